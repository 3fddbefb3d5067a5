// Grafana's access adapter: users, teams and the basic org roles as principals; team members
// (admin or not); permissions on dashboards, folders and data sources (View/Edit/Admin, Query for
// data sources) for a user, a team or a role, in the provider's org. Each grant is written for its
// assignee only through the access-control API; a Grafana 8 without it has only the legacy whole
// list, changed through an entry-list writer (per-object lock, fresh read, batched writes).
import {
  AccessSubjectError,
  adapterPerClient,
  PartialWriteError,
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
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { GRAFANA_ID, type Assignee, type GrafanaApi, type PermissionEntry, type PermissionOffer, type PermissionResource } from './client';

const BASIC_ROLES = ['Viewer', 'Editor', 'Admin'] as const;

const RESOURCE: Partial<Record<ObjectKind, PermissionResource>> = { dashboard: 'dashboards', folder: 'folders', data_source: 'datasources' };
const LABEL: Record<PermissionResource, string> = { dashboards: 'dashboard', folders: 'folder', datasources: 'data source' };
const PERMISSION_BY_LEVEL: Record<AccessLevel, string> = { view: 'View', query: 'Query', edit: 'Edit', admin: 'Admin' };
const LEVEL_BY_PERMISSION: Record<string, AccessLevel> = { View: 'view', Query: 'query', Edit: 'edit', Admin: 'admin' };

/** Why a data source grant cannot be written on this Grafana. */
const DATA_SOURCE_PERMISSIONS_UNAVAILABLE =
  'Data source permissions are a Grafana Enterprise / Grafana Cloud feature, and this Grafana does not offer them (GET /api/access-control/datasources/description was not found). ' +
  'Use an Enterprise-licensed or Cloud instance, or manage data source access through teams and org roles.';

/** The access adapter of a client. */
export const grafanaAccess = adapterPerClient((api: GrafanaApi) => new GrafanaAccess(api));

export class GrafanaAccess implements AccessAdapter {
  readonly vendor = 'grafana';
  readonly capabilities: AccessCapabilities = {
    dashboard: { levels: ['view', 'edit', 'admin'], principals: ['user', 'group', 'role'] },
    folder: { levels: ['view', 'edit', 'admin'], principals: ['user', 'group', 'role'] },
    data_source: { levels: ['query', 'edit', 'admin'], principals: ['user', 'group', 'role'] },
  };
  readonly groupTerm = 'team';

  /** The legacy whole list of one object (object id: `<resource>/<uid>`), for a Grafana without the access-control API. */
  private readonly legacyLists: EntryListWriter<PermissionEntry>;

  constructor(private readonly api: GrafanaApi) {
    this.legacyLists = new EntryListWriter<PermissionEntry>(
      {
        lockKey: (objectId) => `grafana:permissions:${objectId}`,
        read: async (objectId) => {
          const [resource, uid] = splitObjectId(objectId);
          // The object's own entries only: inherited ones belong to its folders.
          return (await api.permissions(resource, uid, { fresh: true }))?.filter((entry) => !entry.inherited);
        },
        key: (entry) => assigneeKey(entry.assignee),
        equal: (a, b) => assigneeKey(a.assignee) === assigneeKey(b.assignee) && a.permission === b.permission,
        writeAll: (objectId, entries) => {
          const [resource, uid] = splitObjectId(objectId);
          return api.writeLegacyPermissions(resource, uid, entries);
        },
      },
      api.http,
    );
  }

  // --- principals ----------------------------------------------------------------------------

  async listPrincipals(kind: PrincipalKind): Promise<Principal[]> {
    if (kind === 'user') {
      if (this.api.authKind === 'basic') return (await this.api.listUsers()).map((user) => ({ kind, id: String(user.id), name: user.name, email: user.email }));
      // A token cannot use the global user API: the members of its org.
      return (await this.api.searchOrgUsers('')).map((user) => ({ kind, id: String(user.userId), name: user.name, email: user.email }));
    }
    if (kind === 'group') return (await this.api.listTeams()).map((team) => ({ kind, id: String(team.id), name: team.name, email: team.email || undefined }));
    return BASIC_ROLES.map((role) => ({ kind, id: role, name: role, builtIn: true }));
  }

  async findPrincipal(kind: PrincipalKind, key: { id: string } | { email: string } | { name: string }): Promise<Principal | undefined> {
    const all = await this.listPrincipals(kind);
    if ('id' in key) return all.find((principal) => principal.id === key.id);
    if ('email' in key) return all.find((principal) => principal.email?.toLowerCase() === key.email.toLowerCase());
    return all.find((principal) => principal.name === key.name);
  }

  // --- memberships (team members) ------------------------------------------------------------

  async listMembers(group: PrincipalRef): Promise<Membership[] | undefined> {
    if (group.kind === 'role') return this.roleHolders(group.id);
    const teamId = numericId(group.id, 'group');
    const members = await this.api.teamMembers(teamId);
    if (!members) return undefined;
    // Grafana makes the user who creates a team its admin: with basic auth, that is who we act as.
    const creator = this.api.authKind === 'basic' ? (await this.api.signedInUser()).id : undefined;
    return members.map((member) => {
      const entry = teamMembership(teamId, member.userId, member.permission === 4);
      return member.userId === creator && entry.admin ? { ...entry, vendorMade: true } : entry;
    });
  }

  /** A basic role's holders: Grafana applies a grant to a role to the roles above it too (Admin includes Editor, Editor includes Viewer). */
  private async roleHolders(role: string): Promise<Membership[] | undefined> {
    const rank = BASIC_ROLES.indexOf(role as (typeof BASIC_ROLES)[number]);
    if (rank < 0) return undefined;
    const users = await this.api.searchOrgUsers('');
    return users
      .filter((user) => BASIC_ROLES.indexOf(user.role as (typeof BASIC_ROLES)[number]) >= rank)
      .map((user) => ({ group: { kind: 'role', id: role }, member: { kind: 'user', id: String(user.userId) } }));
  }

  async findMembership(group: PrincipalRef, member: PrincipalRef): Promise<Membership | undefined> {
    const teamId = numericId(group.id, 'group');
    const userId = numericId(member.id, 'member');
    // One list read per team serves all its members.
    const found = (await this.api.teamMembers(teamId))?.find((candidate) => candidate.userId === userId);
    return found && teamMembership(teamId, userId, found.permission === 4);
  }

  async setMembership(wanted: Membership): Promise<void> {
    const teamId = numericId(wanted.group.id, 'group');
    const userId = numericId(wanted.member.id, 'member');
    let added: 'added' | 'member already';
    try {
      added = await this.api.addTeamMember(teamId, userId);
    } catch (error) {
      if (isVendorStatus(error, 404)) {
        const subject = /team/i.test(vendorMessageOf(error)) ? 'group' : 'member';
        throw new AccessSubjectError(subject, `Grafana found no ${subject === 'group' ? `team ${teamId} in the provider's org` : `user ${userId}`}: ${vendorMessageOf(error)}`);
      }
      throw error;
    }
    // A new member starts at 0; a membership that already existed gets the declared level either way.
    if (!wanted.admin && added === 'added') return;
    try {
      await this.api.setTeamMemberLevel(teamId, userId, wanted.admin === true);
    } catch (error) {
      if (added === 'member already') throw error;
      // The member exists now: report it as Grafana has it (the failed step may still have landed).
      const actual = (await this.api.teamMembers(teamId, { fresh: true }).catch(() => undefined))?.find((member) => member.userId === userId);
      throw new PartialWriteError<Membership>(
        `${error instanceof Error ? error.message : String(error)}\n\nThe user was added to team ${teamId}, but setting their team admin flag failed.`,
        teamMembership(teamId, userId, actual?.permission === 4),
      );
    }
  }

  async removeMembership(group: PrincipalRef, member: PrincipalRef): Promise<void> {
    await this.api.removeTeamMember(numericId(group.id, 'group'), numericId(member.id, 'member'));
  }

  // --- objects and grants --------------------------------------------------------------------

  async listObjects(kind: ObjectKind): Promise<AccessObject[]> {
    if (kind === 'dashboard' || kind === 'folder') {
      const hits = await this.api.search(kind === 'dashboard' ? 'dash-db' : 'dash-folder');
      return hits.map((hit) => ({ kind, id: hit.uid, name: hit.title, parent: hit.folderUid ? { kind: 'folder', id: hit.folderUid } : undefined }));
    }
    if (kind === 'data_source') return (await this.api.listDataSources()).map((source) => ({ kind, id: source.uid, name: source.name }));
    return [];
  }

  async listGrants(object: ObjectRef): Promise<Grant[] | undefined> {
    const resource = resourceOf(object);
    if (resource === 'datasources' && !(await this.offer(resource))) return [];
    const entries = await this.api.permissions(resource, object.id);
    if (entries === undefined) return undefined;
    const parent = entries.some((entry) => entry.inherited) ? (await this.api.permissionTarget(resource, object.id))?.folderUid : undefined;
    return entries.map((entry) => ({
      object,
      principal: principalOf(entry.assignee),
      level: LEVEL_BY_PERMISSION[entry.permission] ?? 'view',
      inheritedFrom: entry.inherited && parent ? { kind: 'folder', id: parent } : undefined,
    }));
  }

  async findGrant(object: ObjectRef, principal: PrincipalRef): Promise<Grant | undefined> {
    const resource = resourceOf(object);
    const assignee = assigneeOf(principal);
    // Shared per object: one read serves every grant on it. Folder grants reach a dashboard as inherited entries, which are not its own.
    const own = (await this.api.permissions(resource, object.id))?.find((entry) => !entry.inherited && assigneeKey(entry.assignee) === assigneeKey(assignee));
    return own && { object, principal, level: LEVEL_BY_PERMISSION[own.permission] ?? 'view' };
  }

  async setGrant(grant: Grant): Promise<void> {
    const resource = resourceOf(grant.object);
    const assignee = assigneeOf(grant.principal);
    const permission = PERMISSION_BY_LEVEL[grant.level];
    const offer = await this.offer(resource);
    try {
      if (offer) {
        checkOffered(offer, resource, assignee, permission);
        await this.api.setPermission(resource, grant.object.id, assignee, permission);
      } else if (!(await this.legacyLists.set(`${resource}/${grant.object.id}`, { assignee, permission, inherited: false }))) {
        throw new AccessSubjectError('object', `Grafana has no ${LABEL[resource]} with uid "${grant.object.id}" in the provider's org.`);
      }
    } catch (error) {
      throw await this.explainWriteFailure(resource, grant.object.id, assignee, error);
    }
  }

  async removeGrant(object: ObjectRef, principal: PrincipalRef): Promise<void> {
    const resource = resourceOf(object);
    const assignee = assigneeOf(principal);
    try {
      const offer = await this.offer(resource);
      if (offer) await this.api.setPermission(resource, object.id, assignee, '');
      else await this.legacyLists.remove(`${resource}/${object.id}`, assigneeKey(assignee));
    } catch (error) {
      // Grafana refuses permission changes for a user outside the org (and drops their grants when
      // they leave it), and a gone object took its grants along: nothing is left to remove then.
      if (await this.grantIsGone(resource, object.id, assignee)) return;
      throw error;
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The access-control offer for a resource; for data sources its absence is an error (an Enterprise feature). */
  async offer(resource: PermissionResource): Promise<PermissionOffer | undefined> {
    try {
      const offer = await this.api.permissionOffer(resource);
      if (!offer && resource === 'datasources') throw new AccessSubjectError('object', DATA_SOURCE_PERMISSIONS_UNAVAILABLE);
      return offer;
    } catch (error) {
      // An unlicensed Grafana may answer 403 rather than 404 for data sources.
      if (resource === 'datasources' && isVendorStatus(error, 403)) {
        throw new AccessSubjectError('object', `${DATA_SOURCE_PERMISSIONS_UNAVAILABLE} (Grafana answered: ${vendorMessageOf(error)}; the credentials may also lack the permission to manage them.)`);
      }
      throw error;
    }
  }

  /** Whether the object or the assignee no longer exists in the provider's org. */
  private async grantIsGone(resource: PermissionResource, uid: string, assignee: Assignee): Promise<boolean> {
    if (!(await this.api.permissionTarget(resource, uid))) return true;
    if (assignee.kind === 'user') {
      const members = await this.api.orgMembers(await this.api.currentOrgId()).catch(() => undefined);
      if (members) return !members.some((member) => member.userId === assignee.userId);
      // Without server-admin rights: the org's own member search.
      return !(await this.api.searchOrgUsers('')).some((member) => member.userId === assignee.userId);
    }
    if (assignee.kind === 'team') return (await this.api.findTeam(assignee.teamId)) === undefined;
    return false;
  }

  /** Turns a 4xx from a grant write into an error about the part at fault. */
  private async explainWriteFailure(resource: PermissionResource, uid: string, assignee: Assignee, error: unknown): Promise<unknown> {
    if (!isVendorStatus(error, 400, 404)) return error;
    if (!(await this.api.permissionTarget(resource, uid))) {
      return new AccessSubjectError('object', `Grafana has no ${LABEL[resource]} with uid "${uid}" in the provider's org.`);
    }
    const text = vendorMessageOf(error);
    if (assignee.kind !== 'role' && (isVendorStatus(error, 404) || (await this.grantIsGone(resource, uid, assignee)))) {
      const who = assignee.kind === 'user' ? `user ${assignee.userId}` : `team ${assignee.teamId}`;
      return new AccessSubjectError('principal', `Grafana found no ${who} in the ${LABEL[resource]}'s org: ${text}`);
    }
    return new AccessSubjectError(/permission/i.test(text) && !/set (user|team)/i.test(text) ? 'level' : 'principal', `Grafana refused the grant: ${text}`);
  }
}

/** Checks what this Grafana offers before writing, so that the error names the part at fault. */
function checkOffered(offer: PermissionOffer, resource: PermissionResource, assignee: Assignee, permission: string): void {
  const assignment = assignee.kind === 'user' ? 'users' : assignee.kind === 'team' ? 'teams' : 'builtInRoles';
  if (offer.assignments?.[assignment] === false) {
    throw new AccessSubjectError('principal', `This Grafana does not allow ${assignment} to be granted permissions on a ${LABEL[resource]}.`);
  }
  const offered = offer.permissions;
  if (Array.isArray(offered) && offered.length > 0 && !offered.includes(permission)) {
    throw new AccessSubjectError('level', `This Grafana offers ${offered.map((name) => `"${name}"`).join(', ')} for a ${LABEL[resource]}; "${permission}" is not one of them (older versions lack some levels).`);
  }
}

function resourceOf(object: ObjectRef): PermissionResource {
  const resource = RESOURCE[object.kind];
  if (!resource) throw new AccessSubjectError('object', `Grafana has no permissions on a ${object.kind.replace('_', ' ')}.`);
  return resource;
}

function assigneeOf(principal: PrincipalRef): Assignee {
  if (principal.kind === 'user') return { kind: 'user', userId: numericId(principal.id, 'principal') };
  if (principal.kind === 'group') return { kind: 'team', teamId: numericId(principal.id, 'principal') };
  if (!(BASIC_ROLES as readonly string[]).includes(principal.id)) throw new AccessSubjectError('principal', `Grafana's basic roles are ${BASIC_ROLES.join(', ')}, not "${principal.id}".`);
  return { kind: 'role', role: principal.id };
}

function principalOf(assignee: Assignee): PrincipalRef {
  if (assignee.kind === 'user') return { kind: 'user', id: String(assignee.userId) };
  if (assignee.kind === 'team') return { kind: 'group', id: String(assignee.teamId) };
  return { kind: 'role', id: assignee.role };
}

function assigneeKey(assignee: Assignee): string {
  return assignee.kind === 'user' ? `user:${assignee.userId}` : assignee.kind === 'team' ? `team:${assignee.teamId}` : `role:${assignee.role}`;
}

function teamMembership(teamId: number, userId: number, admin: boolean): Membership {
  return { group: { kind: 'group', id: String(teamId) }, member: { kind: 'user', id: String(userId) }, admin };
}

function splitObjectId(objectId: string): [PermissionResource, string] {
  const slash = objectId.indexOf('/');
  return [objectId.slice(0, slash) as PermissionResource, objectId.slice(slash + 1)];
}

function numericId(value: string, subject: 'object' | 'principal' | 'group' | 'member'): number {
  if (!GRAFANA_ID.pattern.test(value)) throw new AccessSubjectError(subject, `Grafana ids are positive whole numbers, got "${value}".`);
  return Number(value);
}
