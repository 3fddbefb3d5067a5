// Redash's access adapter: users and groups, memberships (kept on the user's `groups` array),
// group access to data sources (`view_only` = view, full = query) and users' edit right on
// dashboards (the ACL grant `modify`, the only level Redash acts on). The three vendor-side
// lists are changed through entry-list writers: per-object lock, fresh read, no duplicates.
import {
  AccessSubjectError,
  adapterPerClient,
  PartialWriteError,
  type AccessAdapter,
  type AccessCapabilities,
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
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { REDASH_ID, userLock, type ListedUser, type RedashApi, type RedashGroup, type RedashLink } from './client';

/** The access adapter of a client. */
export const redashAccess = adapterPerClient((api: RedashApi) => new RedashAccess(api));

export class RedashAccess implements AccessAdapter {
  readonly vendor = 'redash';
  readonly capabilities: AccessCapabilities = {
    data_source: { levels: ['view', 'query'], principals: ['group'] },
    dashboard: { levels: ['edit'], principals: ['user'] },
  };
  readonly groupTerm = 'group';

  /** A user's groups (object: the user id; entries: group ids). */
  private readonly memberships: EntryListWriter<number>;
  /** A group's data sources (object: the group id). */
  private readonly links: EntryListWriter<RedashLink>;
  /** The users with edit rights on a dashboard (object: the dashboard id). */
  private readonly editors: EntryListWriter<number>;

  constructor(private readonly api: RedashApi) {
    this.memberships = new EntryListWriter<number>(
      {
        lockKey: (userId) => userLock(Number(userId)),
        read: async (userId) => (await api.getUser(Number(userId)))?.groups,
        key: String,
        addEntry: (userId, groupId) => api.addMember(groupId, Number(userId)),
        removeEntry: (userId, groupId) => api.removeMemberCopy(groupId, Number(userId)),
      },
      api.http,
    );
    this.links = new EntryListWriter<RedashLink>(
      {
        lockKey: (groupId) => `redash:group-links:${groupId}`,
        read: (groupId) => api.groupLinks(Number(groupId), { fresh: true }),
        key: (link) => String(link.dataSourceId),
        addEntry: async (groupId, link) => {
          // Redash attaches with full access; view-only takes a second call.
          await api.attach(Number(groupId), link.dataSourceId);
          if (!link.viewOnly) return;
          try {
            await api.setViewOnly(Number(groupId), link.dataSourceId, true);
          } catch (error) {
            // The link exists now: report it as Redash has it (the failed step may still have landed).
            const actual = await api.linkFromDataSource(Number(groupId), link.dataSourceId).catch(() => undefined);
            const viewOnly = actual?.viewOnly === true;
            throw new PartialWriteError<Grant>(
              `${error instanceof Error ? error.message : String(error)}\n\nThe group was given access to data source ${link.dataSourceId} but the second step, making it view-only, failed` +
                (viewOnly ? '.' : ': the group has FULL access to it until the next apply replaces it.'),
              dataSourceGrant(Number(groupId), link.dataSourceId, viewOnly),
            );
          }
        },
        replaceEntry: (groupId, _present, wanted) => api.setViewOnly(Number(groupId), wanted.dataSourceId, wanted.viewOnly),
        removeEntry: (groupId, link) => api.detach(Number(groupId), link.dataSourceId),
      },
      api.http,
    );
    this.editors = new EntryListWriter<number>(
      {
        lockKey: (dashboardId) => `redash:dashboard-acl:${dashboardId}`,
        read: (dashboardId) => api.dashboardEditors(Number(dashboardId), { fresh: true }),
        key: String,
        addEntry: async (dashboardId, userId) => {
          try {
            await api.grantDashboardEdit(Number(dashboardId), userId);
          } catch (error) {
            if (isUserNotFound(error)) throw new AccessSubjectError('principal', `Redash has no user with id ${userId} (${(error as Error).message}).`);
            throw error;
          }
        },
        removeEntry: async (dashboardId, userId) => {
          try {
            await api.revokeDashboardEdit(Number(dashboardId), userId);
          } catch (error) {
            // The user is gone, and the grant with it.
            if (!isUserNotFound(error)) throw error;
          }
        },
      },
      api.http,
    );
  }

  // --- principals ----------------------------------------------------------------------------

  async listPrincipals(kind: PrincipalKind): Promise<Principal[]> {
    if (kind === 'user') return [...(await this.api.listUsers(false)), ...(await this.api.listUsers(true))].map(userPrincipal);
    if (kind === 'group') return (await this.api.listGroups()).map(groupPrincipal);
    return [];
  }

  async findPrincipal(kind: PrincipalKind, key: { id: string } | { email: string } | { name: string }): Promise<Principal | undefined> {
    if (kind === 'user') {
      if ('id' in key) {
        const found = await this.api.findUser(numericId(key.id, 'principal'));
        return found && userPrincipal(found);
      }
      if ('email' in key) {
        const [found] = await this.api.findUsersByEmail(key.email);
        return found && userPrincipal(found);
      }
      return undefined;
    }
    if (kind !== 'group') return undefined;
    const groups = await this.listPrincipals('group');
    return 'id' in key ? groups.find((group) => group.id === key.id) : 'name' in key ? groups.find((group) => group.name === key.name) : undefined;
  }

  // --- memberships ---------------------------------------------------------------------------

  async listMembers(group: PrincipalRef): Promise<Membership[] | undefined> {
    const groupId = numericId(group.id, 'group');
    if (!(await this.api.findGroup(groupId))) return undefined;
    const users = [...(await this.api.listUsers(false)), ...(await this.api.listUsers(true))];
    return users.filter((user) => user.groups.some((candidate) => candidate.id === groupId)).map((user) => membership(groupId, user.id));
  }

  async findMembership(group: PrincipalRef, member: PrincipalRef): Promise<Membership | undefined> {
    const groupId = numericId(group.id, 'group');
    // The shared user listings serve every membership of a refresh: no call per membership.
    const user = await this.api.findUser(numericId(member.id, 'member'));
    return user?.groups.some((candidate) => candidate.id === groupId) ? membership(groupId, user.id) : undefined;
  }

  async setMembership(wanted: Membership): Promise<void> {
    const groupId = numericId(wanted.group.id, 'group');
    const userId = numericId(wanted.member.id, 'member');
    // Append first, read never: Redash answers the append with the user's array as it left it, so
    // a membership that existed shows there as a second copy, which is taken out at once. One
    // request per new membership, where reading the user and looking the group up first made
    // three (measured with `npm run bench`: 490 memberships, 490 user reads). Under the user's
    // lock, as every other write of the array.
    await this.api.withUserLock(userId, async () => {
      const after = await this.api.appendMember(groupId, userId);
      // Redash answers 500 for an unknown group or user; the check after it says which one is wrong.
      if (after === 'no group') throw new AccessSubjectError('group', `Redash has no group with id ${groupId}.`);
      if (after === 'no user') throw new AccessSubjectError('member', `Redash has no user with id ${userId}.`);
      if (after.groups.filter((id) => id === groupId).length > 1) await this.api.keepOneMemberCopy(groupId, userId);
    });
  }

  async removeMembership(group: PrincipalRef, member: PrincipalRef): Promise<void> {
    await this.memberships.remove(String(numericId(member.id, 'member')), String(numericId(group.id, 'group')));
  }

  // --- objects and grants --------------------------------------------------------------------

  async listObjects(kind: ObjectKind): Promise<AccessObject[]> {
    if (kind === 'data_source') return (await this.api.listDataSources()).map((dataSource) => ({ kind, id: String(dataSource.id), name: dataSource.name }));
    if (kind === 'dashboard') return (await this.api.listDashboards()).map((dashboard) => ({ kind, id: String(dashboard.id), name: dashboard.name }));
    return [];
  }

  async listGrants(object: ObjectRef): Promise<Grant[] | undefined> {
    const id = numericId(object.id, 'object');
    if (object.kind === 'data_source') {
      const dataSource = await this.api.getDataSource(id);
      if (!dataSource) return undefined;
      // Redash links every new data source to `default` with full access: that link is its own doing.
      const defaultGroup = (await this.api.listGroups()).find((group) => groupPrincipal(group).everyone)?.id;
      return Object.entries(dataSource.groups ?? {}).map(([groupId, viewOnly]) => {
        const grant = dataSourceGrant(Number(groupId), id, viewOnly === true);
        return Number(groupId) === defaultGroup && grant.level === 'query' ? { ...grant, vendorMade: true } : grant;
      });
    }
    if (object.kind === 'dashboard') {
      const editors = await this.api.dashboardEditors(id);
      return editors?.map((userId) => dashboardGrant(id, userId));
    }
    return unsupported(object);
  }

  async findGrant(object: ObjectRef, principal: PrincipalRef): Promise<Grant | undefined> {
    const id = numericId(object.id, 'object');
    const principalId = numericId(principal.id, 'principal');
    if (object.kind === 'data_source') {
      // The group's list is shared: one call serves all its links. An unknown group has no links.
      const link = (await this.api.groupLinks(principalId))?.find((candidate) => candidate.dataSourceId === id);
      return link && dataSourceGrant(principalId, id, link.viewOnly);
    }
    if (object.kind === 'dashboard') {
      // Shared per dashboard: one ACL read serves all its shares. No dashboard, no share.
      return (await this.api.dashboardEditors(id))?.includes(principalId) ? dashboardGrant(id, principalId) : undefined;
    }
    return unsupported(object);
  }

  async setGrant(grant: Grant): Promise<void> {
    const id = numericId(grant.object.id, 'object');
    const principalId = numericId(grant.principal.id, 'principal');
    if (grant.object.kind === 'data_source') {
      if (grant.level !== 'view' && grant.level !== 'query') throw new AccessSubjectError('level', `Redash gives groups "view" or "query" access to a data source, not "${grant.level}".`);
      // Redash answers 500 for an unknown group or data source on attach; say which one is wrong instead.
      if (!(await this.api.findGroup(principalId))) throw new AccessSubjectError('principal', `Redash has no group with id ${principalId}.`);
      if (!(await this.api.getDataSource(id, { fresh: true }))) throw new AccessSubjectError('object', `Redash has no data source with id ${id}.`);
      if (!(await this.links.set(String(principalId), { dataSourceId: id, viewOnly: grant.level === 'view' }))) {
        throw new AccessSubjectError('principal', `Redash has no group with id ${principalId}.`);
      }
      return;
    }
    if (grant.object.kind === 'dashboard') {
      if (grant.level !== 'edit') throw new AccessSubjectError('level', `Redash shares dashboards with users for editing ("edit") only, not "${grant.level}".`);
      if (!(await this.editors.set(String(id), principalId))) throw new AccessSubjectError('object', `Redash has no dashboard with id ${id}.`);
      return;
    }
    unsupported(grant.object);
  }

  async removeGrant(object: ObjectRef, principal: PrincipalRef): Promise<void> {
    const id = numericId(object.id, 'object');
    const principalId = numericId(principal.id, 'principal');
    // A gone group or dashboard has taken its grants along: the writers resolve false then.
    if (object.kind === 'data_source') await this.links.remove(String(principalId), String(id));
    else if (object.kind === 'dashboard') await this.editors.remove(String(id), String(principalId));
    else unsupported(object);
  }
}

function groupPrincipal(group: RedashGroup): Principal {
  const builtIn = group.type === 'builtin';
  // Redash puts every user in the built-in `default` group.
  return { kind: 'group', id: String(group.id), name: group.name, builtIn, everyone: builtIn && group.name === 'default' ? true : undefined };
}

function userPrincipal(user: ListedUser): Principal {
  return { kind: 'user', id: String(user.id), name: user.name, email: user.email, disabled: user.is_disabled === true };
}

function membership(groupId: number, userId: number): Membership {
  return { group: { kind: 'group', id: String(groupId) }, member: { kind: 'user', id: String(userId) } };
}

function dataSourceGrant(groupId: number, dataSourceId: number, viewOnly: boolean): Grant {
  return { object: { kind: 'data_source', id: String(dataSourceId) }, principal: { kind: 'group', id: String(groupId) }, level: viewOnly ? 'view' : 'query' };
}

function dashboardGrant(dashboardId: number, userId: number): Grant {
  return { object: { kind: 'dashboard', id: String(dashboardId) }, principal: { kind: 'user', id: String(userId) }, level: 'edit' };
}

function numericId(value: string, subject: 'object' | 'principal' | 'group' | 'member'): number {
  if (!REDASH_ID.pattern.test(value)) throw new AccessSubjectError(subject, `Redash ids are positive whole numbers, got "${value}".`);
  return Number(value);
}

function unsupported(object: ObjectRef): never {
  throw new AccessSubjectError('object', `Redash has no grants on a ${object.kind.replace('_', ' ')}.`);
}

/** Redash's answer to a grant or revoke for a user it does not know. */
function isUserNotFound(error: unknown): boolean {
  return isVendorStatus(error, 400) && /user not found/i.test(vendorMessageOf(error));
}
