// biaccess_grafana_org_member: one user's role in one org, through the server-admin org routes.
// Why admin routes: DELETE /api/org/users/:id deletes a user removed from their last org, while
// DELETE /api/orgs/:orgId/users/:id only removes the membership (reference §2.4).
import { AttributeError, ImportIdError, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { oneOf, positiveWholeNumber } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { currentOrgId, getUser, ignoreNotFound, isVendorStatus, known, requireServerAdmin, toInteger, vendorMessage, type GrafanaClient } from './client';

const TYPE = 'biaccess_grafana_org_member';
export const ORG_ROLES = ['None', 'Viewer', 'Editor', 'Admin'] as const;

interface OrgMemberModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  user_id: CtyValue;
  org_id: CtyValue;
  role: string;
}

interface OrgUserDto {
  userId: number;
  role: string;
}

const attributes: Attributes = {
  id: { type: 'string', computed: true, description: '`org_id/user_id`.' },
  user_id: { type: 'number', required: true, forceNew: true, validators: [positiveWholeNumber()], description: 'Numeric id of the Grafana user.' },
  role: { type: 'string', required: true, validators: [oneOf(ORG_ROLES)], description: 'Basic org role. `None` (no basic role) needs Grafana 10 or later.' },
  org_id: {
    type: 'number',
    optional: true,
    computed: true,
    forceNew: true,
    validators: [positiveWholeNumber()],
    description: "Org id; defaults to the provider's `org_id`, else the credentials' current org.",
  },
};

const why = 'changes org memberships through the server-admin org routes (the org-scoped route would delete a user removed from their last org)';

async function membersOf(client: GrafanaClient, orgId: number): Promise<readonly OrgUserDto[]> {
  return client.http.cachedGet<OrgUserDto[]>(`/api/orgs/${orgId}/users`);
}

function explain(error: unknown, orgId: number, role: string): unknown {
  if (isVendorStatus(error, 400) && /role/i.test(vendorMessage(error))) {
    const hint = role === 'None' ? ' (the role None exists from Grafana 10 on)' : '';
    return new AttributeError('role', `Grafana refused the role "${role}": ${vendorMessage(error)}${hint}.`);
  }
  if (isVendorStatus(error, 404) && /org/i.test(vendorMessage(error))) {
    return new AttributeError('org_id', `Grafana has no org with id ${orgId}.`);
  }
  return error;
}

export const orgMember: ResourceDefinition<OrgMemberModel, GrafanaClient> = {
  typeName: TYPE,
  description: "A user's basic role in one Grafana org. Removing it never deletes the user. Needs basic auth of a Grafana server admin.",
  attributes,
  import: {
    format: 'org_id/user_id',
    parse(id) {
      const match = /^(\d+)\/(\d+)$/.exec(id.trim());
      if (!match) throw new ImportIdError(`Expected "org_id/user_id" with numeric ids, e.g. "1/42"; got "${id}".`);
      return { org_id: Number(match[1]), user_id: Number(match[2]), id: `${Number(match[1])}/${Number(match[2])}` };
    },
  },

  async create({ client }, planned) {
    requireServerAdmin(client, TYPE, why);
    const userId = toInteger(planned.user_id, 'user_id');
    const orgId = known(planned.org_id) !== undefined ? toInteger(planned.org_id, 'org_id') : await currentOrgId(client);
    const user = await getUser(client, userId);
    if (!user) throw new AttributeError('user_id', `Grafana has no user with id ${userId}.`);
    try {
      // Safe to repeat: a second add answers 409 with the userId, handled like the first one.
      await client.http.post(`/api/orgs/${orgId}/users`, { loginOrEmail: user.login, role: planned.role }, { idempotent: true });
    } catch (error) {
      // Already a member, typically through auto_assign_org (every new user is a Viewer of org 1): set the role.
      if (!isVendorStatus(error, 409)) throw explain(error, orgId, planned.role);
      try {
        await client.http.patch(`/api/orgs/${orgId}/users/${userId}`, { role: planned.role });
      } catch (patchError) {
        throw explain(patchError, orgId, planned.role);
      }
    }
    return { ...planned, org_id: orgId, user_id: userId, id: `${orgId}/${userId}` };
  },

  async read({ client }, current) {
    requireServerAdmin(client, TYPE, why);
    const orgId = toInteger(current.org_id, 'org_id');
    const userId = toInteger(current.user_id, 'user_id');
    const member = (await membersOf(client, orgId)).find((candidate) => candidate.userId === userId);
    return member ? { ...current, id: `${orgId}/${userId}`, role: member.role } : null;
  },

  async update({ client }, prior, planned) {
    requireServerAdmin(client, TYPE, why);
    const orgId = toInteger(prior.org_id, 'org_id');
    try {
      await client.http.patch(`/api/orgs/${orgId}/users/${toInteger(prior.user_id, 'user_id')}`, { role: planned.role });
    } catch (error) {
      throw explain(error, orgId, planned.role);
    }
    return { ...planned, id: prior.id, org_id: orgId };
  },

  async delete({ client }, current) {
    requireServerAdmin(client, TYPE, why);
    const orgId = toInteger(current.org_id, 'org_id');
    await ignoreNotFound(() => client.http.delete(`/api/orgs/${orgId}/users/${toInteger(current.user_id, 'user_id')}`));
    // Removal also drops the user's team memberships and permissions in that org.
    client.http.invalidate('/api/teams');
    client.http.invalidate('/api/access-control');
  },
};
