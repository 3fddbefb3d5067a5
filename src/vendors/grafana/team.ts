// biaccess_grafana_team: a team in one org. Members are separate resources (team_member).
import { AttributeError, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import type { VendorHttpClient } from '../../framework/http';
import { minLength, positiveWholeNumber } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import {
  createOnce,
  currentOrgId,
  findTeamByName,
  forgetTeams,
  getOrUndefined,
  httpForOrg,
  ignoreNotFound,
  isVendorStatus,
  known,
  listTeams,
  toInteger,
  undoOnFailure,
  vendorMessage,
  type GrafanaClient,
  type TeamDto,
  type TeamMemberDto,
} from './client';

const TYPE = 'biaccess_grafana_team';

interface TeamModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  uid: CtyValue;
  name: string;
  email: string | null;
  org_id: CtyValue;
}

const attributes: Attributes = {
  id: { type: 'number', computed: true, description: 'Numeric team id (use it as `team_id` elsewhere).' },
  uid: { type: 'string', computed: true, description: 'Team uid.' },
  name: { type: 'string', required: true, validators: [minLength(1)], description: 'Team name; unique within the org. Changes in place.' },
  email: { type: 'string', optional: true, validators: [minLength(1)], description: 'Team email. Changes in place.' },
  org_id: {
    type: 'number',
    optional: true,
    computed: true,
    forceNew: true,
    validators: [positiveWholeNumber()],
    description: "Org of the team; defaults to the provider's `org_id`, else the credentials' current org. Another org than the token's needs basic auth.",
  },
};

function toModel(team: TeamDto, orgId: number): Pick<TeamModel, 'id' | 'uid' | 'name' | 'email' | 'org_id'> {
  return { id: team.id, uid: team.uid ?? null, name: team.name, email: team.email === '' ? null : team.email, org_id: orgId };
}

/**
 * A user who creates a team is made its Admin member (a service account is not). That membership
 * is a side effect of our own create, not something anyone declared: it is removed, but only
 * while the creator is the team's sole member, so nothing added by others is touched.
 */
async function removeCreatorMembership(client: GrafanaClient, http: VendorHttpClient, teamId: number): Promise<void> {
  if (client.authKind !== 'basic') return;
  const me = await http.cachedGet<{ id: number }>('/api/user');
  const members = await http.get<TeamMemberDto[]>(`/api/teams/${teamId}/members`);
  if (members.length === 1 && members[0].userId === me.id) {
    await ignoreNotFound(() => http.delete(`/api/teams/${teamId}/members/${me.id}`));
  }
}

function explain(error: unknown, name: string, orgId: number): unknown {
  if (isVendorStatus(error, 409, 400) && /name taken/i.test(vendorMessage(error))) {
    return new AttributeError('name', `Org ${orgId} already has a team named "${name}". Choose another name, or import the existing team: terraform import ${TYPE}.<name> "${name}"`);
  }
  return error;
}

export const team: ResourceDefinition<TeamModel, GrafanaClient> = {
  typeName: TYPE,
  description: 'A Grafana team. Works with basic auth or an org-Admin service-account token.',
  attributes,
  import: {
    format: 'id | name',
    async parse(id, { client }) {
      const key = id.trim();
      if (/^\d+$/.test(key)) return { id: Number(key), org_id: await currentOrgId(client) };
      const found = await findTeamByName(client.http, key);
      if (!found) throw new Error(`No team named "${key}" in the provider's org.`);
      return { id: found.id, org_id: await currentOrgId(client) };
    },
  },

  async create({ client, log }, planned) {
    const orgId = known(planned.org_id) !== undefined ? toInteger(planned.org_id, 'org_id') : await currentOrgId(client);
    const http = await httpForOrg(client, orgId);
    const name = planned.name;
    const existing = await findTeamByName(http, name);
    // Refuse to take over a team someone else made (after this check, a found team is ours).
    if (existing) {
      throw new AttributeError('name', `Org ${orgId} already has a team named "${name}" (id ${existing.id}). Choose another name, or import it: terraform import ${TYPE}.<name> ${existing.id}`);
    }
    let created: { teamId: number; uid?: string };
    try {
      created = await createOnce({
        attempt: () => http.post<{ teamId: number; uid?: string }>('/api/teams', { name, email: known(planned.email) ?? '' }),
        findExisting: async () => {
          const found = await findTeamByName(http, name);
          return found && { teamId: found.id, uid: found.uid };
        },
      });
    } catch (error) {
      throw explain(error, name, orgId);
    } finally {
      forgetTeams(http);
    }
    return undoOnFailure(
      async () => {
        await removeCreatorMembership(client, http, created.teamId);
        const uid = created.uid ?? (await http.get<TeamDto>(`/api/teams/${created.teamId}`)).uid ?? null;
        return { ...planned, id: created.teamId, uid, org_id: orgId };
      },
      () => ignoreNotFound(() => http.delete(`/api/teams/${created.teamId}`)),
      log,
    );
  },

  async read({ client }, current) {
    const orgId = toInteger(current.org_id, 'org_id');
    const http = await httpForOrg(client, orgId);
    const id = toInteger(current.id, 'id');
    // One shared search serves every team of the org; a team missing from it is confirmed by id.
    const found = (await listTeams(http)).find((candidate) => candidate.id === id) ?? (await getOrUndefined<TeamDto>(http, `/api/teams/${id}`));
    return found ? { ...current, ...toModel(found, orgId) } : null;
  },

  async update({ client }, prior, planned) {
    const orgId = toInteger(prior.org_id, 'org_id');
    const http = await httpForOrg(client, orgId);
    try {
      // Both fields every time: the update sets the email column too, so leaving it out would clear it.
      await http.put(`/api/teams/${toInteger(prior.id, 'id')}`, { name: planned.name, email: known(planned.email) ?? '' });
    } catch (error) {
      throw explain(error, planned.name, orgId);
    } finally {
      forgetTeams(http);
    }
    return { ...planned, id: prior.id, uid: prior.uid, org_id: orgId };
  },

  async delete({ client }, current) {
    const http = await httpForOrg(client, toInteger(current.org_id, 'org_id'));
    await ignoreNotFound(() => http.delete(`/api/teams/${toInteger(current.id, 'id')}`));
    forgetTeams(http);
    http.invalidate('/api/access-control');
  },
};
