// Sisense's access adapter: users and groups, memberships (kept on the user's `groups` array),
// dashboard shares (rules `view`, `edit`, `co-owner` → levels view, edit, admin) and data-model
// permissions (codes `a`, `r`, `w` → levels view, query, edit). Every list is one Sisense writes
// whole: it is changed through an entry-list writer (per-object lock, fresh read, no duplicate,
// every entry nobody asked to change kept), and a dashboard is republished after its shares
// change, without which the recipients do not see the change.
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
  BUILT_IN_GROUP_NAMES,
  SISENSE_ID,
  type DashboardShare,
  type DataModelPermission,
  type DataModelShare,
  type ShareRule,
  type SisenseApi,
  type SisenseUser,
} from './client';

export const sisenseAccess = adapterPerClient((api: SisenseApi) => new SisenseAccess(api));

/** Dashboard share rules by level, and back. */
export const RULE_OF_LEVEL: Partial<Record<AccessLevel, ShareRule>> = { view: 'view', edit: 'edit', admin: 'co-owner' };
const LEVEL_OF_RULE: Record<ShareRule, AccessLevel> = { view: 'view', edit: 'edit', 'co-owner': 'admin' };

/** Data-model permission codes by level, and back: `a` read (view), `r` use (query), `w` edit. */
export const PERMISSION_OF_LEVEL: Partial<Record<AccessLevel, DataModelPermission>> = { view: 'a', query: 'r', edit: 'w' };
const LEVEL_OF_PERMISSION: Record<DataModelPermission, AccessLevel> = { a: 'view', r: 'query', w: 'edit' };

export class SisenseAccess implements AccessAdapter {
  readonly vendor = 'sisense';
  readonly capabilities: AccessCapabilities = {
    dashboard: { levels: ['view', 'edit', 'admin'], principals: ['user', 'group'] },
    data_model: { levels: ['view', 'query', 'edit'], principals: ['user', 'group'] },
  };
  readonly groupTerm = 'group';

  /** A user's groups (object: the user id; entries: group ids). */
  private readonly memberships: EntryListWriter<string>;
  /** A dashboard's shares (object: the dashboard oid). */
  private readonly shares: EntryListWriter<DashboardShare>;
  /** A data model's permissions (object: the model oid). */
  private readonly modelShares: EntryListWriter<DataModelShare>;

  constructor(private readonly api: SisenseApi) {
    this.memberships = new EntryListWriter<string>(
      {
        lockKey: (userId) => `sisense:user:${userId}`,
        read: async (userId) => {
          const user = await api.getUser(userId, { fresh: true });
          return user && (user.groups ?? []);
        },
        key: String,
        // `groups` in a user PATCH replaces the list: the one write that can never leave a second copy.
        writeAll: (userId, groups) => api.setUserGroups(userId, groups),
      },
      api.http,
    );
    this.shares = new EntryListWriter<DashboardShare>(
      {
        lockKey: (oid) => `sisense:dashboard-shares:${oid}`,
        read: (oid) => api.dashboardShares(oid, { fresh: true }),
        key: shareKey,
        writeAll: (oid, shares) => api.writeDashboardShares(oid, shares),
        // Recipients see a change of shares (a removal too) only once the dashboard is published.
        afterWrite: (oid) => api.publishDashboard(oid),
      },
      api.http,
    );
    this.modelShares = new EntryListWriter<DataModelShare>(
      {
        lockKey: (oid) => `sisense:data-model-shares:${oid}`,
        read: async (oid) => {
          const model = await api.findDataModel(oid, { fresh: true });
          return model && (await api.dataModelShares(model));
        },
        key: (entry) => `${entry.type}/${entry.partyId}`,
        writeAll: async (oid, shares) => {
          const model = await api.findDataModel(oid, { fresh: true });
          if (!model) throw new AccessSubjectError('object', `Sisense has no data model with oid ${oid}.`);
          await api.writeDataModelShares(model, shares);
        },
      },
      api.http,
    );
  }

  // --- principals ----------------------------------------------------------------------------

  async listPrincipals(kind: PrincipalKind): Promise<Principal[]> {
    if (kind === 'user') return (await this.api.listUsers()).map(userPrincipal);
    if (kind === 'group') return (await this.api.listGroups()).map((group) => groupPrincipal(group.name, group._id));
    return [];
  }

  async findPrincipal(kind: PrincipalKind, key: { id: string } | { email: string } | { name: string }): Promise<Principal | undefined> {
    if (kind === 'user') {
      if ('id' in key) {
        const found = SISENSE_ID.pattern.test(key.id) ? await this.api.getUser(key.id) : undefined;
        return found && userPrincipal(found);
      }
      if ('email' in key) {
        const found = await this.api.findUserByEmail(key.email);
        return found && userPrincipal(found);
      }
      return undefined;
    }
    if (kind !== 'group') return undefined;
    if ('email' in key) return undefined;
    const group = 'id' in key ? (SISENSE_ID.pattern.test(key.id) ? await this.api.getGroup(key.id) : undefined) : await this.api.findGroupByName(key.name, { fresh: true });
    return group && groupPrincipal(group.name, group._id);
  }

  // --- memberships ---------------------------------------------------------------------------

  async listMembers(group: PrincipalRef): Promise<Membership[] | undefined> {
    // No group has a malformed id (Sisense answers it with 422, not 404).
    if (!SISENSE_ID.pattern.test(group.id)) return undefined;
    const groupId = group.id;
    const found = await this.api.getGroup(groupId);
    if (!found) return undefined;
    // Sisense fills its all-users groups itself, without listing them in the users' groups.
    const everyone = groupPrincipal(found.name, groupId).everyone === true;
    return (await this.api.listUsers()).filter((user) => everyone || user.groups?.includes(groupId)).map((user) => membership(groupId, user._id));
  }

  async findMembership(group: PrincipalRef, member: PrincipalRef): Promise<Membership | undefined> {
    const groupId = sisenseId(group.id, 'group');
    const user = await this.api.getUser(sisenseId(member.id, 'member'));
    if (!user?.groups?.includes(groupId)) return undefined;
    // A deleted group may stay in its members' arrays: the group must exist too.
    return (await this.api.getGroup(groupId)) ? membership(groupId, user._id) : undefined;
  }

  async setMembership(wanted: Membership): Promise<void> {
    const groupId = sisenseId(wanted.group.id, 'group');
    const userId = sisenseId(wanted.member.id, 'member');
    // Sisense stores any id it is sent in a user's groups: check the group exists.
    if (!(await this.api.getGroup(groupId, { fresh: true }))) throw new AccessSubjectError('group', `Sisense has no group with id ${groupId}.`);
    if (!(await this.memberships.set(userId, groupId))) throw new AccessSubjectError('member', `Sisense has no user with id ${userId}.`);
  }

  async removeMembership(group: PrincipalRef, member: PrincipalRef): Promise<void> {
    await this.memberships.remove(sisenseId(member.id, 'member'), sisenseId(group.id, 'group'));
  }

  // --- objects and grants --------------------------------------------------------------------

  async listObjects(kind: ObjectKind): Promise<AccessObject[]> {
    if (kind === 'dashboard') return (await this.api.listDashboards()).map((dashboard) => ({ kind, id: dashboard.oid, name: dashboard.title }));
    if (kind === 'data_model') return (await this.api.listDataModels()).map((model) => ({ kind, id: model.oid, name: model.title }));
    return [];
  }

  async listGrants(object: ObjectRef): Promise<Grant[] | undefined> {
    if (object.kind === 'dashboard') {
      const shares = await this.api.dashboardShares(object.id);
      // The owner's own entry (no rule) is ownership, not a share.
      return shares?.filter((share) => share.rule !== undefined).map((share) => dashboardGrant(object.id, share));
    }
    if (object.kind === 'data_model') {
      const model = await this.api.findDataModel(object.id);
      const shares = model && (await this.api.dataModelShares(model));
      return shares?.filter((share) => share.type !== 'default' && share.permission in LEVEL_OF_PERMISSION).map((share) => dataModelGrant(object.id, share));
    }
    return unsupported(object);
  }

  async findGrant(object: ObjectRef, principal: PrincipalRef): Promise<Grant | undefined> {
    const key = `${principalType(principal)}/${principal.id}`;
    if (object.kind === 'dashboard') {
      // Shared per dashboard: one read serves all its shares.
      const share = (await this.api.dashboardShares(object.id))?.find((candidate) => shareKey(candidate) === key && candidate.rule !== undefined);
      return share && (await this.principalExists(principal)) ? dashboardGrant(object.id, share) : undefined;
    }
    if (object.kind === 'data_model') {
      const model = await this.api.findDataModel(object.id);
      const share = model && (await this.api.dataModelShares(model))?.find((candidate) => `${candidate.type}/${candidate.partyId}` === key);
      return share && share.permission in LEVEL_OF_PERMISSION && (await this.principalExists(principal)) ? dataModelGrant(object.id, share) : undefined;
    }
    return unsupported(object);
  }

  async setGrant(grant: Grant): Promise<void> {
    const type = principalType(grant.principal);
    const partyId = sisenseId(grant.principal.id, 'principal');
    // Sisense stores entries for parties it does not know: check the principal exists.
    if (!(await this.principalExists(grant.principal, { fresh: true }))) throw new AccessSubjectError('principal', `Sisense has no ${type} with id ${partyId}.`);
    if (grant.object.kind === 'dashboard') {
      const rule = RULE_OF_LEVEL[grant.level];
      if (!rule) throw new AccessSubjectError('level', `Sisense shares dashboards with the rules view, edit and co-owner (levels view, edit, admin), not "${grant.level}".`);
      const dashboard = await this.api.findDashboard(grant.object.id);
      if (dashboard && type === 'user' && dashboard.owner === partyId) {
        throw new AccessSubjectError('principal', `User ${partyId} owns dashboard ${grant.object.id}: an owner is not shared their own dashboard.`);
      }
      const share: DashboardShare = { shareId: partyId, type, rule, subscribe: grant.detail?.subscribe === true };
      if (!(await this.shares.set(grant.object.id, share))) throw new AccessSubjectError('object', `Sisense has no dashboard with oid ${grant.object.id}.`);
      return;
    }
    if (grant.object.kind === 'data_model') {
      const permission = PERMISSION_OF_LEVEL[grant.level];
      if (!permission) throw new AccessSubjectError('level', `Sisense gives data-model permissions read, use and edit (levels view, query, edit), not "${grant.level}".`);
      if (!(await this.modelShares.set(grant.object.id, { partyId, type, permission }))) throw new AccessSubjectError('object', `Sisense has no data model with oid ${grant.object.id}.`);
      return;
    }
    unsupported(grant.object);
  }

  async removeGrant(object: ObjectRef, principal: PrincipalRef): Promise<void> {
    const key = `${principalType(principal)}/${principal.id}`;
    // A gone dashboard or model has taken its entries along: the writers resolve false then.
    if (object.kind === 'dashboard') await this.shares.remove(object.id, key);
    else if (object.kind === 'data_model') await this.modelShares.remove(object.id, key);
    else unsupported(object);
  }

  /** Entries for a deleted user or group may stay behind in Sisense: such an entry grants nothing. */
  private async principalExists(principal: PrincipalRef, options: { fresh?: boolean } = {}): Promise<boolean> {
    const id = sisenseId(principal.id, 'principal');
    return principal.kind === 'group' ? (await this.api.getGroup(id, options)) !== undefined : (await this.api.getUser(id, options)) !== undefined;
  }
}

function shareKey(share: DashboardShare): string {
  return `${share.type}/${share.shareId}`;
}

function principalType(principal: PrincipalRef): 'user' | 'group' {
  if (principal.kind === 'user' || principal.kind === 'group') return principal.kind;
  throw new AccessSubjectError('principal', 'Sisense shares with users and groups only.');
}

function userPrincipal(user: SisenseUser): Principal {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.userName;
  return { kind: 'user', id: user._id, name, email: user.email, disabled: user.active === false };
}

function membership(groupId: string, userId: string): Membership {
  return { group: { kind: 'group', id: groupId }, member: { kind: 'user', id: userId } };
}

function dashboardGrant(oid: string, share: DashboardShare): Grant {
  const grant: Grant = { object: { kind: 'dashboard', id: oid }, principal: { kind: share.type, id: share.shareId }, level: LEVEL_OF_RULE[share.rule as ShareRule] ?? 'view' };
  // The detail is told only when it differs from the default (no e-mail reports).
  return share.subscribe === true ? { ...grant, detail: { subscribe: true } } : grant;
}

function dataModelGrant(oid: string, share: DataModelShare): Grant {
  return { object: { kind: 'data_model', id: oid }, principal: { kind: share.type as 'user' | 'group', id: share.partyId }, level: LEVEL_OF_PERMISSION[share.permission] };
}

function groupPrincipal(name: string, id: string): Principal {
  const everyone = name === 'Everyone' || name === 'All users in system';
  return { kind: 'group', id, name, builtIn: isBuiltInGroup(name), everyone: everyone ? true : undefined };
}

export function isBuiltInGroup(name: string): boolean {
  return (BUILT_IN_GROUP_NAMES as readonly string[]).includes(name);
}

function sisenseId(value: string, subject: 'principal' | 'group' | 'member'): string {
  if (!SISENSE_ID.pattern.test(value)) throw new AccessSubjectError(subject, `Sisense ids are 24 hex digits, got "${value}".`);
  return value;
}

function unsupported(object: ObjectRef): never {
  throw new AccessSubjectError('object', `Sisense has no grants on a ${object.kind.replace('_', ' ')}.`);
}
