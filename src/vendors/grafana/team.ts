// biaccess_grafana_team: a team in one org. Members are separate resources (team_member).
import { AttributeError, known, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { grafanaId, grafanaIdValidator, type GrafanaApi, type Team } from './client';

interface TeamModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  uid: CtyValue;
  name: string;
  email: string | null;
  org_id: CtyValue;
}

const attributes: Attributes = {
  id: { type: 'string', computed: true, description: 'Team id (use it as `team_id` elsewhere).' },
  uid: { type: 'string', computed: true, description: 'Team uid.' },
  name: { type: 'string', required: true, validators: [minLength(1)], description: 'Team name; unique within the org. Changes in place.' },
  email: { type: 'string', optional: true, validators: [minLength(1)], description: 'Team email. Changes in place.' },
  org_id: {
    type: 'string',
    optional: true,
    computed: true,
    forceNew: true,
    validators: [grafanaIdValidator],
    description: "Org of the team; defaults to the provider's `org_id`, else the credentials' current org. Another org than the token's needs basic auth.",
  },
};

function toModel(team: Team, orgId: number): Pick<TeamModel, 'id' | 'uid' | 'name' | 'email' | 'org_id'> {
  return { id: String(team.id), uid: team.uid ?? null, name: team.name, email: team.email === '' ? null : team.email, org_id: String(orgId) };
}

/** The org the team is (to be) in: its org_id, else the provider's. */
async function orgOf(client: GrafanaApi, model: TeamModel): Promise<number> {
  return known(model.org_id) !== undefined ? grafanaId(model.org_id, 'org_id') : client.currentOrgId();
}

/**
 * A user who creates a team is made its Admin member (a service account is not). That membership
 * is a side effect of our own create, not something anyone declared: it is removed, but only
 * while the creator is the team's sole member, so nothing added by others is touched.
 */
async function removeCreatorMembership(client: GrafanaApi, teamId: number, orgId: number): Promise<void> {
  if (client.authKind !== 'basic') return;
  const me = await client.signedInUser();
  const members = await client.teamMembers(teamId, { fresh: true, orgId });
  if (members?.length === 1 && members[0].userId === me.id) await client.removeTeamMember(teamId, me.id, orgId);
}

async function assertNameFree(client: GrafanaApi, name: string, orgId: number, importCommand: (id: string) => string, options: { shared?: boolean; exceptId?: number } = {}): Promise<void> {
  const existing = await client.findTeamByName(name, orgId, options);
  if (existing && existing.id !== options.exceptId) {
    throw new AttributeError('name', `Org ${orgId} already has a team named "${name}" (id ${existing.id}). Choose another name, or import it: ${importCommand(String(existing.id))}`);
  }
}

function explain(error: unknown, name: string, orgId: number, importCommand: (id: string) => string): unknown {
  if (isVendorStatus(error, 409, 400) && /name taken/i.test(vendorMessageOf(error))) {
    return new AttributeError('name', `Org ${orgId} already has a team named "${name}". Choose another name, or import the existing team: ${importCommand(name)}`);
  }
  return error;
}

export const team: ResourceDefinition<TeamModel, GrafanaApi> = {
  typeName: 'biaccess_grafana_team',
  description: 'A Grafana team. Works with basic auth or an org-Admin service-account token.',
  attributes,
  import: {
    format: 'id | name',
    async parse(id, { client }) {
      const key = id.trim();
      const orgId = String(await client.currentOrgId());
      if (/^\d+$/.test(key)) return { id: key, org_id: orgId };
      const found = await client.findTeamByName(key);
      if (!found) throw new Error(`No team named "${key}" in the provider's org.`);
      return { id: String(found.id), org_id: orgId };
    },
  },

  async plan({ client, importCommand }, { prior, planned, config }) {
    // A name another team of the org has fails now, before anything else of the plan is applied.
    const name = known(planned?.name);
    if (!planned || name === undefined || name === prior?.name) return;
    const configuredOrg = config?.org_id ?? null;
    if (configuredOrg !== null && known(configuredOrg) === undefined) return; // the org is known only at apply
    const orgId = prior ? grafanaId(prior.org_id, 'org_id') : configuredOrg !== null ? grafanaId(configuredOrg, 'org_id') : await client.currentOrgId();
    await assertNameFree(client, name, orgId, importCommand, { shared: true, exceptId: prior ? grafanaId(prior.id, 'id') : undefined });
  },

  async create({ client, importCommand, recordPartial }, planned) {
    const orgId = await orgOf(client, planned);
    // Refuse to take over a team someone else made (after this check, a found team is ours).
    await assertNameFree(client, planned.name, orgId, importCommand);
    let created: { teamId: number; uid?: string };
    try {
      created = await client.createTeam({ name: planned.name, email: known(planned.email) ?? '' }, orgId);
    } catch (error) {
      throw explain(error, planned.name, orgId, importCommand);
    }
    // The team exists from here on: if a later step fails, Terraform keeps it (tainted) in state.
    recordPartial({ id: String(created.teamId), uid: created.uid ?? null, org_id: String(orgId) });
    await removeCreatorMembership(client, created.teamId, orgId);
    const uid = created.uid ?? (await client.findTeam(created.teamId, orgId))?.uid ?? null;
    return { ...planned, id: String(created.teamId), uid, org_id: String(orgId) };
  },

  async read({ client }, current) {
    const orgId = grafanaId(current.org_id, 'org_id');
    const found = await client.findTeam(grafanaId(current.id, 'id'), orgId);
    return found ? { ...current, ...toModel(found, orgId) } : null;
  },

  async update({ client, importCommand }, prior, planned) {
    const orgId = grafanaId(prior.org_id, 'org_id');
    try {
      await client.updateTeam(grafanaId(prior.id, 'id'), { name: planned.name, email: known(planned.email) ?? '' }, orgId);
    } catch (error) {
      throw explain(error, planned.name, orgId, importCommand);
    }
    return { ...planned, id: prior.id, uid: prior.uid, org_id: String(orgId) };
  },

  async delete({ client }, current) {
    await client.deleteTeam(grafanaId(current.id, 'id'), grafanaId(current.org_id, 'org_id'));
  },
};
