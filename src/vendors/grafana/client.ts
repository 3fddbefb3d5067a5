// Typed calls to the Grafana HTTP API: users (server admin), org members, teams and their
// members, dashboards, folders, data sources and their permissions (the access-control
// per-assignee API, or the legacy whole list where that is all a Grafana 8 offers). No other file
// builds a Grafana path. Ids are numbers here and strings in Terraform.
import { AttributeError } from '../../framework/definitions';
import { VendorApiError, VendorHttpClient, isVendorStatus, vendorMessageOf, type InvalidationRule, type Query, type RetryOptions } from '../../framework/http';
import type { IdShape } from '../../framework/ids';
import type { Logger } from '../../framework/log';
import { matches } from '../../framework/validators';

// -------------------------------------------------------------------------------------------------
// Shapes (only the fields the provider uses)

export interface UserSearchHit {
  id: number;
  uid?: string;
  name: string;
  login: string;
  email: string;
  isAdmin: boolean;
}

export interface UserProfile {
  id: number;
  uid?: string;
  name: string;
  login: string;
  email: string;
  isGrafanaAdmin: boolean;
}

export interface OrgUser {
  userId: number;
  uid?: string;
  email: string;
  login: string;
  name: string;
  role: string;
}

export interface Team {
  id: number;
  uid?: string;
  orgId: number;
  name: string;
  email: string;
}

export interface TeamMember {
  teamId: number;
  userId: number;
  login: string;
  email: string;
  /** 0 member, 4 admin. */
  permission: number;
}

export interface DashboardLookup {
  dashboard: { id: number; uid: string; title: string };
  meta: { folderUid?: string; folderId?: number; folderTitle?: string };
}

export interface Folder {
  id: number;
  uid: string;
  title: string;
  parentUid?: string;
}

export interface SearchHit {
  id: number;
  uid: string;
  title: string;
  type: string;
  folderUid?: string;
}

export interface DataSource {
  id: number;
  uid: string;
  name: string;
  type: string;
}

/** The access-control resources with permissions. */
export type PermissionResource = 'dashboards' | 'folders' | 'datasources';

export type Assignee = { kind: 'user'; userId: number } | { kind: 'team'; teamId: number } | { kind: 'role'; role: string };

/** One managed permission on an object, from either permission API. */
export interface PermissionEntry {
  assignee: Assignee;
  /** Permission name: View, Edit, Admin, Query. */
  permission: string;
  /** Reaches the object from a parent folder rather than being set on it. */
  inherited: boolean;
}

export interface PermissionOffer {
  assignments?: { users?: boolean; teams?: boolean; builtInRoles?: boolean };
  permissions?: string[];
}

interface AccessControlEntry {
  userId?: number;
  teamId?: number;
  builtInRole?: string;
  isManaged?: boolean;
  isInherited?: boolean;
  permission: string;
}

interface LegacyItem {
  dashboardId?: number;
  userId?: number;
  teamId?: number;
  role?: string | null;
  permission: number;
  permissionName?: string;
  inherited?: boolean;
}

// -------------------------------------------------------------------------------------------------

export interface GrafanaConnection {
  baseUrl: string;
  /** `user:password` (basic auth) or a service-account token. */
  auth: string;
  /** X-Grafana-Org-Id on every request; the credentials' current org when absent. */
  orgId?: number;
  log?: Logger;
  signal?: AbortSignal;
  userAgent?: string;
  retry?: RetryOptions;
}

/** Levels of the legacy permission API. */
const LEVEL_BY_NAME: Record<string, number> = { View: 1, Edit: 2, Admin: 4 };
const NAME_BY_LEVEL: Record<number, string> = { 1: 'View', 2: 'Edit', 4: 'Admin' };
const PAGE_SIZE = 1000;
const ASSIGNEE_SEGMENT = { user: 'users', team: 'teams', role: 'builtInRoles' } as const;

/**
 * Writes that change shared reads of other paths (the written path, what lies below it and its
 * parent collections are dropped anyway).
 */
const SHARED_READS: InvalidationRule[] = [
  // The user and team searches are not parents of the objects' own paths.
  { after: '/api/users/**', drop: ['/api/users'] },
  { after: '/api/teams/**', drop: ['/api/teams'] },
  // A user's create, password, permissions and deletion show in every user list.
  { after: '/api/admin/users/**', drop: ['/api/users', '/api/org/users', '/api/orgs'] },
  // Deleting a user also takes their org and team memberships and their permissions.
  { after: 'DELETE /api/admin/users/:user', drop: ['/api'] },
  { after: '/api/orgs/:org/users/**', drop: ['/api/org/users'] },
  // Leaving an org takes the user's team memberships and permissions in it.
  { after: 'DELETE /api/orgs/:org/users/:user', drop: ['/api/teams', '/api/access-control'] },
  // A deleted team takes its permissions along.
  { after: 'DELETE /api/teams/:team', drop: ['/api/access-control'] },
];

/** A Grafana id in import IDs and attributes. */
export const GRAFANA_ID: IdShape = { pattern: /^[1-9]\d*$/, description: 'a numeric Grafana id', plural: 'numeric Grafana ids', example: '42' };

/** Plan-time check of an id attribute (values known only at apply are checked then). */
export const grafanaIdValidator = matches(GRAFANA_ID.pattern, 'a numeric Grafana id such as "42"');

export class GrafanaApi {
  /** Acts in the provider's org: `org_id` when set, else the credentials' current org. */
  readonly http: VendorHttpClient;
  /** Basic auth can act as server admin; a token never can. */
  readonly authKind: 'basic' | 'token';
  /** The provider block's org_id, when set. */
  readonly orgId: number | undefined;
  private readonly byOrg = new Map<number, VendorHttpClient>();
  private readonly connection: GrafanaConnection;

  constructor(connection: GrafanaConnection) {
    this.connection = connection;
    // "user:password" is basic auth; service-account tokens (glsa_…) never contain a colon.
    this.authKind = connection.auth.indexOf(':') > 0 ? 'basic' : 'token';
    this.orgId = connection.orgId;
    this.http = this.makeHttp(connection.orgId);
    if (connection.orgId !== undefined) this.byOrg.set(connection.orgId, this.http);
  }

  // --- org context -------------------------------------------------------------------------------

  /**
   * The org the provider acts in: its org_id, or the credentials' current org. Read from Grafana
   * either way (once per process), so an org the credentials may not act in fails here, naming
   * the setting.
   */
  async currentOrgId(): Promise<number> {
    return (await this.http.cachedGet<{ id: number }>('/api/org')).id;
  }

  /** The HTTP client acting in `orgId`; a token can only act in its own org. */
  async httpInOrg(orgId: number): Promise<VendorHttpClient> {
    const current = await this.currentOrgId();
    if (orgId === current) return this.http;
    if (this.authKind === 'token') {
      throw new AttributeError(
        'org_id',
        `org_id ${orgId} cannot be reached with a service-account token, which acts in its own org (${current}) only. ` +
          `Use a token of org ${orgId}, or basic auth (grafana.auth = "user:password") of a user who belongs to org ${orgId}.`,
      );
    }
    let client = this.byOrg.get(orgId);
    if (!client) this.byOrg.set(orgId, (client = this.makeHttp(orgId)));
    return client;
  }

  /** Global user management needs a Grafana server admin, which a service-account token never is. */
  requireServerAdmin(typeName: string, why = 'manages global Grafana users'): void {
    if (this.authKind === 'basic') return;
    throw new Error(
      `${typeName} ${why}, which needs Grafana server-admin rights: set grafana.auth (or GRAFANA_AUTH) to "user:password" of a Grafana server admin. ` +
        'A service-account token is bound to one org and can never act as server admin.',
    );
  }

  /** The user the credentials belong to (basic auth). */
  async signedInUser(): Promise<{ id: number }> {
    return this.http.cachedGet<{ id: number }>('/api/user');
  }

  // --- users (server admin) ----------------------------------------------------------------------

  listUsers(): Promise<UserSearchHit[]> {
    return this.allPages<UserSearchHit>(this.http, '/api/users/search', 'users');
  }

  getUser(id: number): Promise<UserProfile | undefined> {
    return this.http.getIfExists<UserProfile>(`/api/users/${id}`);
  }

  /** By login or email (case-insensitive in current Grafana); fresh. */
  lookupUser(loginOrEmail: string): Promise<UserProfile | undefined> {
    return this.http.getIfExists<UserProfile>('/api/users/lookup', { query: { loginOrEmail } });
  }

  /** Members of the provider's org matching a search (what a token can see of users). */
  searchOrgUsers(query: string): Promise<OrgUser[]> {
    return this.http.get<OrgUser[]>('/api/org/users', { query: { query } });
  }

  /** Creates a user (non-idempotent: a second POST answers 412); after an ambiguous failure the user is looked up by login. */
  async createUser(user: { name: string; email: string; login: string; password: string }): Promise<number> {
    return this.http.confirmedWrite(
      async () => (await this.http.post<{ id: number }>('/api/admin/users', user)).id,
      async () => {
        const found = await this.lookupUser(user.login);
        return found && found.email.toLowerCase() === user.email.toLowerCase() ? found.id : undefined;
      },
    );
  }

  /**
   * Login, email and name together (an update without login renames the login to the email).
   * Resolves to Grafana's message, which tells when it only sent a verification email.
   */
  async updateUser(id: number, changes: { email: string; login: string; name: string }): Promise<string> {
    const response = await this.http.put<{ message?: string } | undefined>(`/api/users/${id}`, changes);
    return response?.message ?? '';
  }

  async setPassword(id: number, password: string): Promise<void> {
    await this.http.put(`/api/admin/users/${id}/password`, { password });
  }

  async setServerAdmin(id: number, isAdmin: boolean): Promise<void> {
    await this.http.put(`/api/admin/users/${id}/permissions`, { isGrafanaAdmin: isAdmin });
  }

  async deleteUser(id: number): Promise<void> {
    await ignoreNotFound(() => this.http.delete(`/api/admin/users/${id}`));
  }

  // --- org members (server-admin org routes) -----------------------------------------------------

  /** The members of an org with their roles; undefined when the org does not exist. Shared. */
  orgMembers(orgId: number): Promise<readonly OrgUser[] | undefined> {
    return this.http.getIfExists<OrgUser[]>(`/api/orgs/${orgId}/users`, { shared: true });
  }

  /** Adds a user to an org with a role; 'member already' when Grafana answers 409 (already in the org). */
  async addOrgMember(orgId: number, loginOrEmail: string, role: string): Promise<'added' | 'member already'> {
    try {
      // Safe to repeat: a second add answers 409, handled like the first one.
      await this.http.post(`/api/orgs/${orgId}/users`, { loginOrEmail, role }, { idempotent: true });
      return 'added';
    } catch (error) {
      if (isVendorStatus(error, 409)) return 'member already';
      throw error;
    }
  }

  async setOrgRole(orgId: number, userId: number, role: string): Promise<void> {
    await this.http.patch(`/api/orgs/${orgId}/users/${userId}`, { role });
  }

  /** Removes the membership only: unlike DELETE /api/org/users/:id, never deletes a user removed from their last org. */
  async removeOrgMember(orgId: number, userId: number): Promise<void> {
    await ignoreNotFound(() => this.http.delete(`/api/orgs/${orgId}/users/${userId}`));
  }

  // --- teams ---------------------------------------------------------------------------------------

  async listTeams(orgId?: number): Promise<Team[]> {
    return this.allPages<Team>(await this.inOrg(orgId), '/api/teams/search', 'teams');
  }

  /** Exact name match, fresh (for duplicate checks) unless `shared`. */
  async findTeamByName(name: string, orgId?: number, options: { shared?: boolean } = {}): Promise<Team | undefined> {
    const http = await this.inOrg(orgId);
    const query = { name, perpage: PAGE_SIZE };
    const result = options.shared ? await http.cachedGet<{ teams?: Team[] }>('/api/teams/search', query) : await http.get<{ teams?: Team[] }>('/api/teams/search', { query });
    // `name` is an exact filter in current Grafana; older versions only had the substring `query`.
    return (result.teams ?? []).find((team) => team.name === name);
  }

  /** A team by id: from the shared search (one read serves a refresh), confirmed by id when missing. */
  async findTeam(id: number, orgId?: number): Promise<Team | undefined> {
    return (await this.listTeams(orgId)).find((team) => team.id === id) ?? (await (await this.inOrg(orgId)).getIfExists<Team>(`/api/teams/${id}`));
  }

  /** Creates a team (a second POST answers 409); after an ambiguous failure it is looked up by name. */
  async createTeam(team: { name: string; email: string }, orgId?: number): Promise<{ teamId: number; uid?: string }> {
    const http = await this.inOrg(orgId);
    return http.confirmedWrite(
      () => http.post<{ teamId: number; uid?: string }>('/api/teams', team),
      async () => {
        const found = await this.findTeamByName(team.name, orgId);
        return found && { teamId: found.id, uid: found.uid };
      },
    );
  }

  /** Both fields every time: the update sets the email column too, so leaving it out would clear it. */
  async updateTeam(id: number, team: { name: string; email: string }, orgId?: number): Promise<void> {
    await (await this.inOrg(orgId)).put(`/api/teams/${id}`, team);
  }

  async deleteTeam(id: number, orgId?: number): Promise<void> {
    const http = await this.inOrg(orgId);
    await ignoreNotFound(() => http.delete(`/api/teams/${id}`));
  }

  /** The members of a team of the provider's org; undefined when the team does not exist there. Shared unless fresh. */
  teamMembers(teamId: number, options: { fresh?: boolean; orgId?: number } = {}): Promise<readonly TeamMember[] | undefined> {
    return this.inOrg(options.orgId).then((http) => http.getIfExists<TeamMember[]>(`/api/teams/${teamId}/members`, { shared: !options.fresh }));
  }

  /** Adds a member at level 0 (member); 'member already' when Grafana answers "already added" (safe to repeat after a lost answer). */
  async addTeamMember(teamId: number, userId: number, orgId?: number): Promise<'added' | 'member already'> {
    try {
      await (await this.inOrg(orgId)).post(`/api/teams/${teamId}/members`, { userId }, { idempotent: true });
      return 'added';
    } catch (error) {
      if (isVendorStatus(error, 400) && /already added/i.test(vendorMessageOf(error))) return 'member already';
      throw error;
    }
  }

  async setTeamMemberLevel(teamId: number, userId: number, admin: boolean, orgId?: number): Promise<void> {
    await (await this.inOrg(orgId)).put(`/api/teams/${teamId}/members/${userId}`, { permission: admin ? 4 : 0 });
  }

  /** Removes this member only (the whole-list PUT is never used); a member or team already gone is fine. */
  async removeTeamMember(teamId: number, userId: number, orgId?: number): Promise<void> {
    const http = await this.inOrg(orgId);
    await ignoreNotFound(() => http.delete(`/api/teams/${teamId}/members/${userId}`));
  }

  // --- dashboards, folders, data sources -----------------------------------------------------------

  getDashboard(uid: string): Promise<DashboardLookup | undefined> {
    return this.http.getIfExists<DashboardLookup>(`/api/dashboards/uid/${encodeURIComponent(uid)}`, { shared: true });
  }

  getFolder(uid: string): Promise<Folder | undefined> {
    return this.http.getIfExists<Folder>(`/api/folders/${encodeURIComponent(uid)}`, { shared: true });
  }

  getDataSource(uid: string): Promise<DataSource | undefined> {
    return this.http.getIfExists<DataSource>(`/api/datasources/uid/${encodeURIComponent(uid)}`, { shared: true });
  }

  getDataSourceByName(name: string): Promise<DataSource | undefined> {
    return this.http.getIfExists<DataSource>(`/api/datasources/name/${encodeURIComponent(name)}`);
  }

  listDataSources(): Promise<readonly DataSource[]> {
    return this.http.cachedGet<DataSource[]>('/api/datasources');
  }

  /** Dashboards or folders (nested ones included) by title, or all of them without a title. */
  search(type: 'dash-db' | 'dash-folder', title?: string): Promise<readonly SearchHit[]> {
    const query: Query = { type, limit: 5000, query: title };
    return title === undefined ? this.http.cachedGet<SearchHit[]>('/api/search', query) : this.http.get<SearchHit[]>('/api/search', { query });
  }

  /** The object a permission belongs to, or undefined when it does not exist in the provider's org. */
  async permissionTarget(resource: PermissionResource, uid: string): Promise<{ title: string; folderUid?: string } | undefined> {
    if (resource === 'dashboards') {
      const found = await this.getDashboard(uid);
      return found && { title: found.dashboard.title, folderUid: found.meta.folderUid || undefined };
    }
    if (resource === 'folders') {
      const found = await this.getFolder(uid);
      return found && { title: found.title, folderUid: found.parentUid || undefined };
    }
    const found = await this.getDataSource(uid);
    return found && { title: found.name };
  }

  // --- permissions -------------------------------------------------------------------------------

  /**
   * What this Grafana offers for a resource's permissions (assignee kinds, permission names), or
   * undefined when it has no access-control API for it (Grafana 8, or data sources without an
   * Enterprise licence, which may also answer 403).
   */
  async permissionOffer(resource: PermissionResource): Promise<PermissionOffer | undefined> {
    try {
      return await this.http.cachedGet<PermissionOffer>(`/api/access-control/${resource}/description`);
    } catch (error) {
      if (isVendorStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** The managed permissions on an object (inherited ones marked); undefined when the object does not exist. Shared unless fresh. */
  async permissions(resource: PermissionResource, uid: string, options: { fresh?: boolean } = {}): Promise<PermissionEntry[] | undefined> {
    if (await this.permissionOffer(resource)) {
      const entries = await this.http.getIfExists<AccessControlEntry[]>(accessControlPath(resource, uid), { shared: !options.fresh });
      // Only managed grants count: fixed/basic role entries are not grants at all. (Older versions
      // lack the flags: missing isManaged means managed, missing isInherited means not inherited.)
      return entries?.filter((entry) => entry.isManaged !== false).flatMap((entry) => {
        const assignee = assigneeOfEntry(entry);
        return assignee ? [{ assignee, permission: entry.permission, inherited: entry.isInherited === true }] : [];
      });
    }
    const items = await this.legacyPermissions(resource, uid, options);
    return items?.flatMap((item) => {
      const assignee = assigneeOfLegacy(item);
      // Without the access-control API (Grafana 8) `inherited` is reliable; built-in defaults (dashboardId -1) are the object's own until it has a list.
      return assignee ? [{ assignee, permission: item.permissionName || NAME_BY_LEVEL[item.permission], inherited: item.inherited === true && item.dashboardId !== -1 }] : [];
    });
  }

  /** Sets (or with "" removes) one assignee's permission through the access-control API: an idempotent upsert of that assignee only. */
  async setPermission(resource: PermissionResource, uid: string, assignee: Assignee, permission: string): Promise<void> {
    const key = assignee.kind === 'user' ? assignee.userId : assignee.kind === 'team' ? assignee.teamId : assignee.role;
    await this.http.post(`${accessControlPath(resource, uid)}/${ASSIGNEE_SEGMENT[assignee.kind]}/${encodeURIComponent(String(key))}`, { permission }, { idempotent: true });
  }

  /** The object's legacy permission list; undefined when the object does not exist or has no legacy list (data sources). */
  async legacyPermissions(resource: PermissionResource, uid: string, options: { fresh?: boolean } = {}): Promise<LegacyItem[] | undefined> {
    const path = legacyPath(resource, uid);
    if (!path) return undefined;
    return this.http.getIfExists<LegacyItem[]>(path, { shared: !options.fresh });
  }

  /** Replaces the object's own legacy list (a whole-list write: idempotent, so safe to repeat). */
  async writeLegacyPermissions(resource: PermissionResource, uid: string, entries: PermissionEntry[]): Promise<void> {
    const path = legacyPath(resource, uid);
    if (!path) throw new Error(`Grafana has no legacy permission list for ${resource}.`);
    const items = entries.map(({ assignee, permission }) => {
      const level = LEVEL_BY_NAME[permission];
      if (assignee.kind === 'user') return { userId: assignee.userId, permission: level };
      if (assignee.kind === 'team') return { teamId: assignee.teamId, permission: level };
      return { role: assignee.role, permission: level };
    });
    await this.http.post(path, { items }, { idempotent: true });
  }

  // --- plumbing ------------------------------------------------------------------------------------

  private inOrg(orgId: number | undefined): Promise<VendorHttpClient> {
    return orgId === undefined ? Promise.resolve(this.http) : this.httpInOrg(orgId);
  }

  /** Reads every page of a `{totalCount, <key>: [...]}` search; each page is a shared read. */
  private async allPages<T>(http: VendorHttpClient, path: string, key: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const result = await http.cachedGet<Record<string, unknown>>(path, { perpage: PAGE_SIZE, page });
      const batch = (Array.isArray(result[key]) ? result[key] : []) as T[];
      items.push(...batch);
      const total = typeof result.totalCount === 'number' ? result.totalCount : items.length;
      if (batch.length === 0 || items.length >= total || batch.length < PAGE_SIZE) return items;
    }
  }

  private makeHttp(orgId: number | undefined): VendorHttpClient {
    const { auth } = this.connection;
    const colon = auth.indexOf(':');
    const basic = colon > 0 ? { username: auth.slice(0, colon), password: auth.slice(colon + 1) } : undefined;
    const headers: Record<string, string> = basic ? {} : { Authorization: `Bearer ${auth}` };
    if (orgId !== undefined) headers['X-Grafana-Org-Id'] = String(orgId);
    return new VendorHttpClient({
      vendor: 'grafana',
      baseUrl: this.connection.baseUrl,
      headers,
      basicAuth: basic,
      secrets: basic ? [auth, basic.password] : [auth],
      log: this.connection.log,
      signal: this.connection.signal,
      userAgent: this.connection.userAgent,
      retry: this.connection.retry,
      // The current org answers to any valid credentials, and only in an org they may act in.
      apiCheck: { path: '/api/org', hint: 'check grafana.url (GRAFANA_URL).' },
      errorMessage: grafanaErrorMessage,
      interpretError: (error) => orgAccessError(error, orgId) ?? refusedCredentials(error, basic !== undefined),
      sharedReads: SHARED_READS,
    });
  }
}

/** Grafana adds the internal cause as "error" next to the message outside production mode. */
function grafanaErrorMessage(body: unknown): string | undefined {
  const record = body as { message?: unknown; error?: unknown };
  if (typeof record.message !== 'string' || record.message.trim() === '') return undefined;
  return typeof record.error === 'string' && record.error.trim() !== '' && record.error !== record.message ? `${record.message} (${record.error})` : record.message;
}

/** An org the credentials may not act in: say which setting picks the org. */
/** A 401 that is not about the org: the credentials themselves were refused. */
function refusedCredentials(error: VendorApiError, basic: boolean): Error | undefined {
  if (error.status !== 401) return undefined;
  const what = basic ? 'the user name and password' : 'the token';
  return new Error(
    `${error.message}\n\nGrafana refused ${what} in grafana.auth (GRAFANA_AUTH): set it to "user:password" of a Grafana user for basic auth, or to a service-account token (glsa_…).`,
  );
}

function orgAccessError(error: VendorApiError, orgId: number | undefined): Error | undefined {
  if (!error.hasStatus(401, 403) || !/organi[sz]ation/i.test(error.vendorMessage ?? '')) return undefined;
  const which = orgId === undefined ? "the credentials' current org" : `org ${orgId} (grafana.org_id or GRAFANA_ORG_ID)`;
  return new Error(`${error.message}\n\nThe credentials in grafana.auth (GRAFANA_AUTH) may not act in ${which}: check grafana.org_id, or use credentials of that org.`);
}

function accessControlPath(resource: PermissionResource, uid: string): string {
  return `/api/access-control/${resource}/${encodeURIComponent(uid)}`;
}

/** The legacy whole-list permission path (dashboards and folders only). */
function legacyPath(resource: PermissionResource, uid: string): string | undefined {
  if (resource === 'dashboards') return `/api/dashboards/uid/${encodeURIComponent(uid)}/permissions`;
  if (resource === 'folders') return `/api/folders/${encodeURIComponent(uid)}/permissions`;
  return undefined;
}

function assigneeOfEntry(entry: AccessControlEntry): Assignee | undefined {
  if (entry.teamId) return { kind: 'team', teamId: entry.teamId };
  if (entry.userId) return { kind: 'user', userId: entry.userId };
  if (entry.builtInRole) return { kind: 'role', role: entry.builtInRole };
  return undefined;
}

function assigneeOfLegacy(item: LegacyItem): Assignee | undefined {
  if (item.userId) return { kind: 'user', userId: item.userId };
  if (item.teamId) return { kind: 'team', teamId: item.teamId };
  if (item.role) return { kind: 'role', role: item.role };
  return undefined;
}

/** A DELETE whose target may already be gone: 404 counts as done. */
async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!isVendorStatus(error, 404)) throw error;
  }
}

/** A numeric id held in state or config; `attribute` names it in the error. */
export function grafanaId(value: unknown, attribute: string): number {
  const text = String(value ?? '');
  if (!GRAFANA_ID.pattern.test(text)) throw new AttributeError(attribute, `"${attribute}" must be a numeric Grafana id such as "42", got "${text}".`);
  return Number(text);
}
