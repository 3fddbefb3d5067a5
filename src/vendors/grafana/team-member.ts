// biaccess_grafana_team_member: one user in one team of the provider's org (member, or team
// admin). Only this member is ever written: the whole-list PUT /api/teams/:id/members is never used.
import { membershipResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { grafanaAccess } from './access';
import { GRAFANA_ID, grafanaIdValidator, type GrafanaApi } from './client';
import { orgHome } from './org-home';

interface TeamMemberModel {
  id: string;
  team_id: string;
  user_id: string;
  admin: boolean;
}

export const teamMember = membershipResource<TeamMemberModel, GrafanaApi>({
  typeName: 'biaccess_grafana_team_member',
  description: "One user's membership of one Grafana team. Other members of the team are never touched.",
  attributes: {
    id: { type: 'string', computed: true, description: '`team_id/user_id`.' },
    team_id: { type: 'string', required: true, forceNew: true, validators: [grafanaIdValidator], description: "Team id (in the provider's org)." },
    user_id: { type: 'string', required: true, forceNew: true, validators: [grafanaIdValidator], description: 'User id.' },
    admin: { type: 'bool', default: false, description: 'Team admin (team permission 4) rather than member (0). Changes in place.' },
  },
  id: compositeId([
    ['team_id', GRAFANA_ID, '3'],
    ['user_id', GRAFANA_ID, '42'],
  ]),
  adapter: grafanaAccess,
  home: orgHome,
  membership: (model) => ({ group: { kind: 'group', id: model.team_id }, member: { kind: 'user', id: model.user_id }, admin: model.admin }),
  model: (membership, current) => ({ ...current, team_id: membership.group.id, user_id: membership.member.id, admin: membership.admin === true }),
  attributeFor: (subject) => (subject === 'group' ? 'team_id' : 'user_id'),

  async plan({ client }, { planned }) {
    const teamId = known(planned?.team_id);
    if (teamId !== undefined && GRAFANA_ID.pattern.test(teamId) && !(await client.findTeam(Number(teamId)))) {
      throw new AttributeError('team_id', `Grafana has no team ${teamId} in the provider's org.`);
    }
  },
});
