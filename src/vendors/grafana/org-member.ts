// biaccess_grafana_org_member: one user's role in one org, through the server-admin org routes.
// Why admin routes: DELETE /api/org/users/:id deletes a user removed from their last org, while
// DELETE /api/orgs/:orgId/users/:id only removes the membership.
import { AttributeError, ImportIdError, known, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { oneOf } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { GRAFANA_ID, grafanaId, grafanaIdValidator, type GrafanaApi } from './client';

export const ORG_ROLES = ['None', 'Viewer', 'Editor', 'Admin'] as const;

interface OrgMemberModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  user_id: CtyValue;
  org_id: CtyValue;
  role: string;
}

const attributes: Attributes = {
  id: { type: 'string', computed: true, description: '`org_id/user_id`.' },
  user_id: { type: 'string', required: true, forceNew: true, validators: [grafanaIdValidator], description: 'Id of the Grafana user.' },
  role: { type: 'string', required: true, validators: [oneOf(ORG_ROLES)], description: 'Basic org role. `None` (no basic role) needs Grafana 10 or later.' },
  org_id: {
    type: 'string',
    optional: true,
    computed: true,
    forceNew: true,
    validators: [grafanaIdValidator],
    description: "Org id; defaults to the provider's `org_id`, else the credentials' current org.",
  },
};

const why = 'changes org memberships through the server-admin org routes (the org-scoped route would delete a user removed from their last org)';

function explain(error: unknown, orgId: number, role: string): unknown {
  if (isVendorStatus(error, 400) && /role/i.test(vendorMessageOf(error))) {
    const hint = role === 'None' ? ' (the role None exists from Grafana 10 on)' : '';
    return new AttributeError('role', `Grafana refused the role "${role}": ${vendorMessageOf(error)}${hint}.`);
  }
  if (isVendorStatus(error, 404) && /org/i.test(vendorMessageOf(error))) {
    return new AttributeError('org_id', `Grafana has no org with id ${orgId}.`);
  }
  return error;
}

export const orgMember: ResourceDefinition<OrgMemberModel, GrafanaApi> = {
  typeName: 'biaccess_grafana_org_member',
  description: "A user's basic role in one Grafana org. Removing it never deletes the user. Needs basic auth of a Grafana server admin.",
  attributes,
  import: {
    format: 'org_id/user_id',
    parse(id) {
      const match = /^(\d+)\/(\d+)$/.exec(id.trim());
      if (!match || !GRAFANA_ID.pattern.test(match[1]) || !GRAFANA_ID.pattern.test(match[2])) {
        throw new ImportIdError(`Expected "org_id/user_id" with numeric ids, e.g. "1/42"; got "${id}".`);
      }
      return { org_id: match[1], user_id: match[2], id: `${match[1]}/${match[2]}` };
    },
  },

  async plan({ client, typeName }) {
    client.requireServerAdmin(typeName, why);
  },

  async create({ client, typeName }, planned) {
    client.requireServerAdmin(typeName, why);
    const userId = grafanaId(planned.user_id, 'user_id');
    const orgId = known(planned.org_id) !== undefined ? grafanaId(planned.org_id, 'org_id') : await client.currentOrgId();
    const member = await client.getUser(userId);
    if (!member) throw new AttributeError('user_id', `Grafana has no user with id ${userId}.`);
    try {
      // Already a member, typically through auto_assign_org (every new user is a Viewer of org 1): set the role.
      if ((await client.addOrgMember(orgId, member.login, planned.role)) === 'member already') await client.setOrgRole(orgId, userId, planned.role);
    } catch (error) {
      throw explain(error, orgId, planned.role);
    }
    return { ...planned, org_id: String(orgId), user_id: String(userId), id: `${orgId}/${userId}` };
  },

  async read({ client, typeName }, current) {
    client.requireServerAdmin(typeName, why);
    const orgId = grafanaId(current.org_id, 'org_id');
    const userId = grafanaId(current.user_id, 'user_id');
    // An org that no longer exists has no members.
    const found = (await client.orgMembers(orgId))?.find((candidate) => candidate.userId === userId);
    return found ? { ...current, id: `${orgId}/${userId}`, role: found.role } : null;
  },

  async update({ client, typeName }, prior, planned) {
    client.requireServerAdmin(typeName, why);
    const orgId = grafanaId(prior.org_id, 'org_id');
    try {
      await client.setOrgRole(orgId, grafanaId(prior.user_id, 'user_id'), planned.role);
    } catch (error) {
      throw explain(error, orgId, planned.role);
    }
    return { ...planned, id: prior.id, org_id: String(orgId) };
  },

  async delete({ client, typeName }, current) {
    client.requireServerAdmin(typeName, why);
    await client.removeOrgMember(grafanaId(current.org_id, 'org_id'), grafanaId(current.user_id, 'user_id'));
  },
};
