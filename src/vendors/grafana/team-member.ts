// biaccess_grafana_team_member: one user in one team (member, or team admin). Only this member
// is ever written: the whole-list PUT /api/teams/:id/members is never used.
import { AttributeError, ImportIdError, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { positiveWholeNumber } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { ignoreNotFound, isVendorStatus, toInteger, undoOnFailure, vendorMessage, type GrafanaClient, type TeamMemberDto } from './client';

const TYPE = 'biaccess_grafana_team_member';
/** Team permission levels of a member (§2.5). */
const MEMBER = 0;
const ADMIN = 4;

interface TeamMemberModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  team_id: CtyValue;
  user_id: CtyValue;
  admin: boolean;
}

const attributes: Attributes = {
  id: { type: 'string', computed: true, description: '`team_id/user_id`.' },
  team_id: { type: 'number', required: true, forceNew: true, validators: [positiveWholeNumber()], description: "Numeric team id (in the provider's org)." },
  user_id: { type: 'number', required: true, forceNew: true, validators: [positiveWholeNumber()], description: 'Numeric user id.' },
  admin: { type: 'bool', default: false, description: 'Team admin (team permission 4) rather than member (0). Changes in place.' },
};

const membersPath = (teamId: number) => `/api/teams/${teamId}/members`;

async function setLevel(client: GrafanaClient, teamId: number, userId: number, admin: boolean): Promise<void> {
  await client.http.put(`${membersPath(teamId)}/${userId}`, { permission: admin ? ADMIN : MEMBER });
}

export const teamMember: ResourceDefinition<TeamMemberModel, GrafanaClient> = {
  typeName: TYPE,
  description: "One user's membership of one Grafana team. Other members of the team are never touched.",
  attributes,
  import: {
    format: 'team_id/user_id',
    parse(id) {
      const match = /^(\d+)\/(\d+)$/.exec(id.trim());
      if (!match) throw new ImportIdError(`Expected "team_id/user_id" with numeric ids, e.g. "3/42"; got "${id}".`);
      return { team_id: Number(match[1]), user_id: Number(match[2]), id: `${Number(match[1])}/${Number(match[2])}` };
    },
  },

  async create({ client, log }, planned) {
    const teamId = toInteger(planned.team_id, 'team_id');
    const userId = toInteger(planned.user_id, 'user_id');
    let alreadyMember = false;
    try {
      // Safe to repeat after a lost response: the repeat answers "already added".
      await client.http.post(membersPath(teamId), { userId }, { idempotent: true });
    } catch (error) {
      if (isVendorStatus(error, 400) && /already added/i.test(vendorMessage(error))) {
        alreadyMember = true;
      } else if (isVendorStatus(error, 404)) {
        const attribute = /team/i.test(vendorMessage(error)) ? 'team_id' : 'user_id';
        throw new AttributeError(attribute, `Grafana found no ${attribute === 'team_id' ? `team ${teamId} in the provider's org` : `user ${userId}`}: ${vendorMessage(error)}`);
      } else {
        throw error;
      }
    }
    const finish = async () => {
      // A new member starts at 0; a membership that already existed gets the declared level either way.
      if (planned.admin || alreadyMember) await setLevel(client, teamId, userId, planned.admin);
      return { ...planned, team_id: teamId, user_id: userId, id: `${teamId}/${userId}` };
    };
    // Only a membership this create added is removed again when setting its level fails.
    return alreadyMember ? finish() : undoOnFailure(finish, () => ignoreNotFound(() => client.http.delete(`${membersPath(teamId)}/${userId}`)), log);
  },

  async read({ client }, current) {
    const teamId = toInteger(current.team_id, 'team_id');
    const userId = toInteger(current.user_id, 'user_id');
    // One list read per team serves all its members (a deleted team answers 404: gone).
    const members = await client.http.cachedGet<TeamMemberDto[]>(membersPath(teamId));
    const member = members.find((candidate) => candidate.userId === userId);
    return member ? { ...current, id: `${teamId}/${userId}`, admin: member.permission === ADMIN } : null;
  },

  async update({ client }, prior, planned) {
    await setLevel(client, toInteger(prior.team_id, 'team_id'), toInteger(prior.user_id, 'user_id'), planned.admin);
    return { ...planned, id: prior.id };
  },

  async delete({ client }, current) {
    await ignoreNotFound(() => client.http.delete(`${membersPath(toInteger(current.team_id, 'team_id'))}/${toInteger(current.user_id, 'user_id')}`));
  },
};
