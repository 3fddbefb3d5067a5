// biaccess_periscope_role: a role the site admin defines, with what it may do site-wide (its
// privileges). The role's dashboards belong to biaccess_periscope_dashboard_permission resources:
// every write here sends the role whole (both arrays, as whether a left-out array is kept or
// cleared is not known) with the dashboard entries as just read, under the role's lock, which the
// dashboard permission writes take too.
import { AttributeError, ImportIdError, known, type ResourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { DEFAULT_ROLE_NAMES, isDefaultRoleName, PERISCOPE_ID, type PeriscopeApi, type PeriscopeRole, type Privilege } from './client';

interface PrivilegeModel {
  object_type: string;
  permissions: string[];
}

export interface RoleModel {
  id: string;
  name: string;
  description: string;
  /** null when the configuration declares none. */
  privilege: PrivilegeModel[] | null;
}

const DEFAULT_ROLE_HINT =
  'The default roles (' +
  DEFAULT_ROLE_NAMES.join(', ') +
  ') exist on every site and are not created, renamed nor deleted by Terraform: read one with data "biaccess_periscope_role" { name = "Analyst" }, and give it dashboards with biaccess_periscope_dashboard_permission.';

export const role: ResourceDefinition<RoleModel, PeriscopeApi> = {
  typeName: 'biaccess_periscope_role',
  description:
    'A Periscope role (RBAC sites): its name, description and privileges (what its members may do site-wide, per object type). ' +
    'Which dashboards it applies to is declared with biaccess_periscope_dashboard_permission; entries nobody declared are kept. ' +
    'Role names are unique ignoring case. The default roles are read with the `biaccess_periscope_role` data source instead.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Periscope role id.' },
    name: {
      type: 'string',
      required: true,
      validators: [
        minLength(1),
        {
          description: `none of the default roles (${DEFAULT_ROLE_NAMES.join(', ')}, in any case), which exist on every site: read one with data "biaccess_periscope_role" { name = "Analyst" } and give it dashboards with biaccess_periscope_dashboard_permission`,
          check: (value) => (typeof value === 'string' && isDefaultRoleName(value) ? `got ${JSON.stringify(value)}` : undefined),
        },
      ],
      description: 'Role name. Changes in place.',
    },
    description: { type: 'string', default: '', description: 'Description. Changes in place.' },
    privilege: {
      type: ['set', ['object', { object_type: 'string', permissions: ['set', 'string'] }]],
      optional: true,
      description:
        'What the role may do site-wide: blocks of `object_type` (e.g. "Dashboard") and `permissions` (names such as "read_dashboards", "create_dashboards"; any name is accepted). ' +
        'Changes in place; none declared means none.',
    },
  },
  import: {
    format: 'id | name',
    async parse(id, { client }) {
      const value = id.trim();
      if (value === '') throw new ImportIdError('Expected a Periscope role id or name, got an empty ID.');
      const found = (PERISCOPE_ID.pattern.test(value) ? await client.findRole(value) : undefined) ?? (await client.findRoleByName(value, { fresh: true }));
      if (!found) throw new Error(`Periscope has no role with id or name "${value}".`);
      if (isDefaultRoleName(found.name)) throw new AttributeError('name', `Role ${found.id} is the default role "${found.name}". ${DEFAULT_ROLE_HINT}`);
      return { id: found.id };
    },
  },

  async plan({ client, importCommand }, { prior, planned }) {
    const name = known(planned?.name);
    // A name another role has fails now, before anything else of the plan is applied.
    if (name !== undefined && !isDefaultRoleName(name) && name !== prior?.name) await assertNameFree(client, name, importCommand, prior?.id ?? undefined, false);
    checkPrivileges(planned?.privilege);
  },

  async create({ client, importCommand }, planned) {
    if (isDefaultRoleName(planned.name)) throw new AttributeError('name', `"${planned.name}" is a default Periscope role. ${DEFAULT_ROLE_HINT}`);
    // Serialized per name with the check, so two creates of one name in a run cannot both pass it.
    return client.withRoleNameLock(planned.name, async () => {
      await assertNameFree(client, planned.name, importCommand, undefined, true);
      const created = await client.createRole({ name: planned.name, description: planned.description, privileges: toPrivileges(planned.privilege) });
      return toModel(created, planned);
    });
  },

  async read({ client }, current) {
    const found = await client.findRole(current.id);
    if (!found) return null;
    if (isDefaultRoleName(found.name)) throw new AttributeError('id', `Role ${found.id} is the default role "${found.name}". ${DEFAULT_ROLE_HINT}`);
    return toModel(found, current);
  },

  async update({ client, importCommand }, prior, planned) {
    return client.withRoleNameLock(planned.name, () =>
      client.withRoleLock(prior.id, async () => {
        if (planned.name.toLowerCase() !== prior.name.toLowerCase()) await assertNameFree(client, planned.name, importCommand, prior.id, true);
        // Fresh, under the lock: the dashboard entries written with the role are the ones it has now.
        const current = await client.findRole(prior.id, { fresh: true });
        if (!current) throw new Error(`Periscope role ${prior.id} ("${prior.name}") no longer exists; the next plan will create it again.`);
        await client.updateRole({ ...current, name: planned.name, description: planned.description, privileges: toPrivileges(planned.privilege) });
        return { ...planned, id: prior.id };
      }),
    );
  },

  async delete({ client }, current) {
    await client.withRoleLock(current.id, () => client.deleteRole(current.id));
  },
};

async function assertNameFree(client: PeriscopeApi, name: string, importCommand: (id: string) => string, exceptId: string | undefined, fresh: boolean): Promise<void> {
  const taken = await client.findRoleByName(name, { fresh });
  if (!taken || taken.id === exceptId) return;
  throw new AttributeError('name', `Periscope already has a role named "${taken.name}" (id ${taken.id}); names are unique ignoring case. To manage it, import it: ${importCommand(taken.id)}; or choose another name.`);
}

function checkPrivileges(value: CtyValue | undefined): void {
  const privileges = known(value);
  if (!Array.isArray(privileges)) return;
  for (const item of privileges) {
    const privilege = known(item) as Record<string, CtyValue> | undefined;
    if (!privilege) continue;
    const objectType = known(privilege.object_type);
    if (objectType === '') throw new AttributeError('privilege', 'Every privilege needs a non-empty "object_type" (e.g. "Dashboard").');
    const permissions = known(privilege.permissions);
    if (Array.isArray(permissions) && permissions.some((name) => name === '')) throw new AttributeError('privilege', 'Permission names must not be empty.');
  }
}

function toPrivileges(privileges: PrivilegeModel[] | null): Privilege[] {
  return (privileges ?? []).map((privilege) => ({ object_type: privilege.object_type, permissions: [...(privilege.permissions ?? [])] }));
}

function toModel(found: PeriscopeRole, current: Partial<RoleModel>): RoleModel {
  const privileges = found.privileges.map((privilege) => ({ object_type: privilege.object_type, permissions: [...new Set(privilege.permissions)].sort() }));
  return {
    id: found.id,
    name: found.name,
    description: found.description,
    // None at the site reads as the configuration wrote it: unset (null) or empty.
    privilege: privileges.length === 0 && (current.privilege === null || current.privilege === undefined) ? null : privileges,
  };
}
