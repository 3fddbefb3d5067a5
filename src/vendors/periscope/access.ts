// Periscope's access adapter. Users; roles as groups (a Periscope role is a set of users the site
// admin defines, which is what the model calls a group; the default roles are built-in groups);
// memberships kept on the user's `roles` list; dashboards as objects; grants as the dashboard
// entries of a role's permission list. Both lists are written whole, through entry-list writers:
// per-object lock, fresh read, changes that arrive together batched into one write.
//
// Levels and permission sets: a dashboard entry holds a set of permission names. Written from a
// level, the sets are those of PERMISSIONS_FOR_LEVEL (view: read it; edit: also change its
// settings and add charts; Periscope has no dashboard permission that amounts to administering
// it, so no admin level); read back, a set is summarised as edit when it holds a permission to
// change the dashboard, else view, and the grant carries the exact set as well.
import {
  AccessSubjectError,
  adapterPerClient,
  type AccessAdapter,
  type AccessCapabilities,
  type AccessLevel,
  type AccessObject,
  type Grant,
  type Membership,
  type ObjectKind,
  type ObjectRef,
  type Principal,
  type PrincipalKind,
  type PrincipalRef,
} from '../../access/model';
import { EntryListWriter } from '../../framework/entry-list';
import {
  DASHBOARD_OBJECT_TYPE,
  EVERYONE,
  isDefaultRoleName,
  roleLock,
  userLock,
  type ObjectPermission,
  type PeriscopeApi,
  type PeriscopeRole,
  type PeriscopeUser,
} from './client';

/** The dashboard permission names seen in use; sites may know more, and any name is accepted. */
export const KNOWN_DASHBOARD_PERMISSIONS = [
  'read_dashboards',
  'create_dashboards',
  'create_discovery_charts',
  'create_sql_charts',
  'edit_chart_as_copy',
  'edit_dashboard_settings',
  'clone_dashboards',
  'archive_dashboards',
  'download_pdf',
  'shared_dashboards',
  'email_reports',
] as const;

/** The set written for each level. */
export const PERMISSIONS_FOR_LEVEL: Record<'view' | 'edit', readonly string[]> = {
  view: ['read_dashboards'],
  edit: ['read_dashboards', 'edit_dashboard_settings', 'create_sql_charts', 'create_discovery_charts'],
};

/** The level a permission set amounts to (see the top of this file). */
export function levelOf(permissions: readonly string[]): AccessLevel {
  return ['edit_dashboard_settings', 'create_sql_charts', 'create_discovery_charts', 'archive_dashboards'].some((name) => permissions.includes(name)) ? 'edit' : 'view';
}

/** The access adapter of a client. */
export const periscopeAccess = adapterPerClient((api: PeriscopeApi) => new PeriscopeAccess(api));

export class PeriscopeAccess implements AccessAdapter {
  readonly vendor = 'periscope';
  readonly capabilities: AccessCapabilities = {
    dashboard: { levels: ['view', 'edit'], principals: ['group'] },
  };
  readonly groupTerm = 'role';

  /** A user's roles (object: the user id; entries: role ids). */
  private readonly memberships: EntryListWriter<string>;
  /** A role's object entries (object: the role id). */
  private readonly roleEntries: EntryListWriter<ObjectPermission>;
  /**
   * The role as read by the writer under the role's lock, for the write that follows under the
   * same lock: a role PUT carries the whole role, whose other fields must stay as they are.
   */
  private readonly rolesReadUnderLock = new Map<string, PeriscopeRole>();

  constructor(private readonly api: PeriscopeApi) {
    this.memberships = new EntryListWriter<string>(
      {
        lockKey: userLock,
        read: async (userId) => (await api.getUser(userId))?.roles,
        key: (roleId) => roleId,
        writeAll: (userId, roleIds) => api.replaceUserRoles(userId, roleIds),
      },
      api.http,
    );
    this.roleEntries = new EntryListWriter<ObjectPermission>(
      {
        lockKey: roleLock,
        read: async (roleId) => {
          const role = await api.findRole(roleId, { fresh: true });
          if (role) this.rolesReadUnderLock.set(roleId, role);
          return role?.permissions;
        },
        key: (entry) => entryKey(entry.object_type, entry.object_id),
        equal: (a, b) => sameSet(a.permissions, b.permissions),
        writeAll: async (roleId, entries) => {
          const role = this.rolesReadUnderLock.get(roleId)!;
          this.rolesReadUnderLock.delete(roleId);
          await api.updateRole({ ...role, permissions: entries });
        },
      },
      api.http,
    );
  }

  // --- principals ----------------------------------------------------------------------------

  async listPrincipals(kind: PrincipalKind): Promise<Principal[]> {
    if (kind === 'user') return (await this.api.listUsers()).map(userPrincipal);
    if (kind === 'group') return (await this.api.listRoles()).map(rolePrincipal);
    return [];
  }

  async findPrincipal(kind: PrincipalKind, key: { id: string } | { email: string } | { name: string }): Promise<Principal | undefined> {
    if (kind === 'user') {
      if ('id' in key) return mapped(await this.api.findUser(key.id), userPrincipal);
      if ('email' in key) return mapped(await this.api.findUserByEmail(key.email), userPrincipal);
      return undefined;
    }
    if (kind !== 'group') return undefined;
    if ('id' in key) return mapped(await this.api.findRole(key.id), rolePrincipal);
    if ('name' in key) return mapped(await this.api.findRoleByName(key.name), rolePrincipal);
    return undefined;
  }

  // --- memberships ---------------------------------------------------------------------------

  async listMembers(group: PrincipalRef): Promise<Membership[] | undefined> {
    const role = await this.api.findRole(group.id);
    if (!role) return undefined;
    const users = await this.api.listUsers();
    return users.filter((user) => isMember(user, role)).map((user) => membership(role.id, user.id));
  }

  async findMembership(group: PrincipalRef, member: PrincipalRef): Promise<Membership | undefined> {
    // The shared user list serves every membership of a refresh: no call per membership.
    const [role, user] = await Promise.all([this.api.findRole(group.id), this.api.findUser(member.id)]);
    return role && user && isMember(user, role) ? membership(role.id, user.id) : undefined;
  }

  async setMembership(wanted: Membership): Promise<void> {
    const role = await this.api.findRole(wanted.group.id);
    if (!role) throw new AccessSubjectError('group', `Periscope has no role with id ${wanted.group.id}.`);
    if (!(await this.memberships.set(wanted.member.id, role.id))) throw new AccessSubjectError('member', `Periscope has no user with id ${wanted.member.id}.`);
  }

  async removeMembership(group: PrincipalRef, member: PrincipalRef): Promise<void> {
    const role = await this.api.findRole(group.id);
    if (role?.name === EVERYONE) throw new AccessSubjectError('group', everyoneMessage());
    // A gone user has taken its memberships along: the writer resolves false then.
    await this.memberships.remove(member.id, group.id);
  }

  // --- objects and grants --------------------------------------------------------------------

  async listObjects(kind: ObjectKind): Promise<AccessObject[]> {
    if (kind !== 'dashboard') return [];
    return (await this.api.listDashboards()).map((dashboard) => ({ kind, id: dashboard.id, name: dashboard.name }));
  }

  async listGrants(object: ObjectRef): Promise<Grant[] | undefined> {
    dashboardOnly(object);
    if (!(await this.api.findDashboard(object.id))) return undefined;
    const grants: Grant[] = [];
    for (const role of await this.api.listRoles()) {
      const entry = dashboardEntry(role, object.id);
      if (entry) grants.push(grantOf(role.id, entry));
    }
    return grants;
  }

  async findGrant(object: ObjectRef, principal: PrincipalRef): Promise<Grant | undefined> {
    dashboardOnly(object);
    // The shared role list serves every grant of a refresh. No role, no entry.
    const role = await this.api.findRole(principal.id);
    const entry = role && dashboardEntry(role, object.id);
    return entry && grantOf(role.id, entry);
  }

  async setGrant(grant: Grant): Promise<void> {
    dashboardOnly(grant.object);
    if (grant.principal.kind !== 'group') throw new AccessSubjectError('principal', `Periscope gives dashboards to roles, not to a ${grant.principal.kind}.`);
    const permissions = grant.detail?.permissions ?? (grant.level === 'view' || grant.level === 'edit' ? PERMISSIONS_FOR_LEVEL[grant.level] : undefined);
    if (!permissions) throw new AccessSubjectError('level', `Periscope dashboards have the levels view and edit, not "${grant.level}".`);
    if (permissions.length === 0) throw new AccessSubjectError('level', 'A dashboard entry needs at least one permission (e.g. "read_dashboards"); to take the access away, remove the entry.');
    // Checked before joining a batch: the site refuses a role write naming an unknown dashboard,
    // which would fail every other entry written with it.
    if (!(await this.api.findDashboard(grant.object.id))) throw new AccessSubjectError('object', `Periscope has no dashboard with id ${grant.object.id}.`);
    const entry: ObjectPermission = { object_type: DASHBOARD_OBJECT_TYPE, object_id: grant.object.id, permissions: [...permissions] };
    if (!(await this.roleEntries.set(grant.principal.id, entry))) throw new AccessSubjectError('principal', `Periscope has no role with id ${grant.principal.id}.`);
  }

  async removeGrant(object: ObjectRef, principal: PrincipalRef): Promise<void> {
    dashboardOnly(object);
    // A gone role has taken its entries along: the writer resolves false then.
    await this.roleEntries.remove(principal.id, entryKey(DASHBOARD_OBJECT_TYPE, object.id));
  }
}

export function everyoneMessage(): string {
  return 'Periscope puts every user in the default role Everyone, and a user cannot be taken out of it: there is no membership to declare or remove.';
}

function userPrincipal(user: PeriscopeUser): Principal {
  return { kind: 'user', id: user.id, name: `${user.first_name} ${user.last_name}`.trim(), email: user.email };
}

function rolePrincipal(role: PeriscopeRole): Principal {
  return { kind: 'group', id: role.id, name: role.name, builtIn: isDefaultRoleName(role.name), everyone: role.name === EVERYONE ? true : undefined };
}

function mapped<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

/** Everyone holds every user, whether or not the site lists it in the user's roles. */
function isMember(user: PeriscopeUser, role: PeriscopeRole): boolean {
  return role.name === EVERYONE || user.roles.includes(role.id);
}

function membership(roleId: string, userId: string): Membership {
  return { group: { kind: 'group', id: roleId }, member: { kind: 'user', id: userId } };
}

function dashboardEntry(role: PeriscopeRole, dashboardId: string): ObjectPermission | undefined {
  return role.permissions.find((entry) => entry.object_type === DASHBOARD_OBJECT_TYPE && entry.object_id === dashboardId);
}

function grantOf(roleId: string, entry: ObjectPermission): Grant {
  const permissions = [...new Set(entry.permissions)].sort();
  return { object: { kind: 'dashboard', id: entry.object_id }, principal: { kind: 'group', id: roleId }, level: levelOf(permissions), detail: { permissions } };
}

function entryKey(objectType: string, objectId: string): string {
  return `${objectType}:${objectId}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((name) => right.has(name));
}

function dashboardOnly(object: ObjectRef): void {
  if (object.kind !== 'dashboard') throw new AccessSubjectError('object', `Periscope gives roles access to dashboards only, not to a ${object.kind.replace('_', ' ')}.`);
}
