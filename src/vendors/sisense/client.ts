// Typed calls to the Sisense REST API (v0.9 `/api/…`, v1 `/api/v1/…`, v2 `/api/v2/…`) and the
// quirks every resource relies on: a login exchanged for a token, partial-match filters, lists
// without totals, whole-list writes of dashboard shares and data-model permissions, `adminAccess`
// for dashboards owned by others, and a rename route that may answer 200 for an unknown group.
// No other file builds a Sisense path.
import { VendorApiError, VendorHttpClient, type InvalidationRule, type Query, type RetryOptions } from '../../framework/http';
import type { IdShape } from '../../framework/ids';
import type { Logger } from '../../framework/log';
import { matches } from '../../framework/validators';

// ---------------------------------------------------------------------------------------------
// Shapes (only the fields the provider uses)

export interface SisenseUser {
  _id: string;
  email: string;
  userName: string;
  firstName?: string | null;
  lastName?: string | null;
  roleId: string;
  active?: boolean;
  /** Group ids as Sisense stores them: not de-duplicated. */
  groups?: string[];
}

export interface SisenseRole {
  _id: string;
  /** Stable across versions: `super`, `admin`, `dataAdmin`, `dataDesigner`, `contributor`, `consumer`. */
  name: string;
  /** What the UI shows; varies by version (`Viewer`, `Designer`, …) and may be absent. */
  displayName?: string;
}

export interface SisenseGroup {
  _id: string;
  name: string;
  /** Flags of the built-in groups. */
  admins?: boolean;
  everyone?: boolean;
}

export interface SisenseDashboard {
  oid: string;
  title: string;
  /** The owner's user id. */
  owner: string;
  /** The data model the dashboard queries (its title; `fullname` on some versions). */
  datasource?: { title?: string; fullname?: string } | null;
}

export type ShareRule = 'view' | 'edit' | 'co-owner';

/** An entry of a dashboard's `shares`; the owner's own entry has no `rule`. */
export interface DashboardShare {
  shareId: string;
  type: 'user' | 'group';
  rule?: ShareRule;
  subscribe?: boolean;
}

export type DataModelType = 'extract' | 'live';

export interface SisenseDataModel {
  oid: string;
  title: string;
  type: DataModelType;
}

/** Data-model permission codes: `a` = read, `r` = use, `w` = edit. */
export type DataModelPermission = 'a' | 'r' | 'w';

/** An entry of a data model's permission list; `type: "default"` is the everyone-else entry. */
export interface DataModelShare {
  partyId: string;
  type: 'user' | 'group' | 'default';
  permission: DataModelPermission;
}

/** The groups Sisense makes and maintains itself. */
export const BUILT_IN_GROUP_NAMES = ['Admins', 'Everyone', 'All users in system'] as const;

/** Extract models live on the server Sisense calls `localhost` (the name in their permission paths). */
const EXTRACT_SERVER = 'localhost';

/** Page size of v1 lists, which carry no totals: a shorter page is the last. */
const PAGE_SIZE = 100;

export interface SisenseConnection {
  baseUrl: string;
  /** An API token, or the credentials to log in with. */
  credentials: { token: string } | { username: string; password: string };
  log?: Logger;
  signal?: AbortSignal;
  userAgent?: string;
  retry?: RetryOptions;
}

/** The credentials were refused. Not a VendorApiError on purpose: it must never be taken for "not found". */
export class SisenseAuthenticationError extends Error {}

const LOGIN_PATH = '/api/v1/authentication/login';

/** Writes that change shared reads of other paths. */
const SHARED_READS: InvalidationRule[] = [
  // Membership lives on the user.
  { after: '/api/groups/:group/users', drop: ['/api/v1/users'] },
  { after: 'DELETE /api/v1/groups/:group', drop: ['/api/v1/users'] },
  { after: 'PUT /api/groups/:group', drop: ['/api/v1/groups'] },
  // Either share route changes what both read.
  { after: '/api/shares/dashboard/:dashboard', drop: ['/api/v1/dashboards/:dashboard'] },
  { after: 'PATCH /api/v1/dashboards/:dashboard', drop: ['/api/shares/dashboard/:dashboard'] },
  { after: '/api/elasticubes/**', drop: ['/api/v2/datamodels'] },
  { after: '/api/v1/elasticubes/**', drop: ['/api/v2/datamodels'] },
];

export class SisenseApi {
  readonly http: VendorHttpClient;
  /** Per dashboard: whether `adminAccess=true` is accepted (false on the caller's own dashboards). */
  private readonly adminAccess = new Map<string, boolean>();

  constructor(connection: SisenseConnection) {
    const { credentials } = connection;
    const byToken = 'token' in credentials;
    this.http = new VendorHttpClient({
      vendor: 'sisense',
      baseUrl: connection.baseUrl,
      headers: byToken ? { Authorization: `Bearer ${credentials.token}` } : {},
      secrets: byToken ? [credentials.token] : [credentials.password],
      log: connection.log,
      signal: connection.signal,
      userAgent: connection.userAgent,
      retry: connection.retry,
      session: byToken ? undefined : { login: (http) => login(http, credentials.username, credentials.password) },
      // Every Sisense answers the role list to an admin (and the provider needs it for users).
      apiCheck: { path: '/api/roles', hint: 'check sisense.url (SISENSE_URL): the address of the Sisense web application, without /api.' },
      interpretError: (error) => {
        if (error.status !== 401) return undefined;
        if (error.path === LOGIN_PATH) {
          return new SisenseAuthenticationError(
            `Sisense refused the login (${error.method} ${error.path} answered 401${error.vendorMessage ? ` "${error.vendorMessage}"` : ''}). ` +
              'Check sisense.username and sisense.password (SISENSE_USERNAME, SISENSE_PASSWORD): they must be those of an active Sisense admin.',
          );
        }
        return new SisenseAuthenticationError(
          `Sisense refused the ${byToken ? 'API token' : 'session token obtained by logging in'} (${error.method} ${error.path} answered 401${error.vendorMessage ? ` "${error.vendorMessage}"` : ''}). ` +
            (byToken ? 'Check sisense.token (SISENSE_TOKEN): it must be the API token of an active Sisense admin, and sisense.url must point at that Sisense.' : 'Check sisense.username and sisense.password.'),
        );
      },
      sharedReads: SHARED_READS,
    });
  }

  // --- roles ---------------------------------------------------------------------------------

  /** `GET /api/roles`, shared within the process. */
  async listRoles(): Promise<readonly SisenseRole[]> {
    return this.http.cachedGet<SisenseRole[]>('/api/roles');
  }

  /**
   * A role by API `name` first (stable across versions), else by `displayName`, both ignoring
   * case: `displayName`s differ by version (`Sys.Admin` once, `Sys. Admin` later) and may be absent.
   */
  async findRole(nameOrDisplayName: string): Promise<SisenseRole | undefined> {
    const roles = await this.listRoles();
    const wanted = nameOrDisplayName.toLowerCase();
    return roles.find((role) => role.name.toLowerCase() === wanted) ?? roles.find((role) => role.displayName?.toLowerCase() === wanted);
  }

  async roleById(id: string): Promise<SisenseRole | undefined> {
    return (await this.listRoles()).find((role) => role._id === id);
  }

  // --- users ---------------------------------------------------------------------------------

  /** Every user matching the filter, all pages. Shared within the process unless `fresh`. */
  async listUsers(filter: Query = {}, options: { fresh?: boolean } = {}): Promise<SisenseUser[]> {
    return this.allPages<SisenseUser>('/api/v1/users', filter, (user) => user._id, options.fresh);
  }

  /**
   * The user with exactly this email, ignoring case. Sisense's `email` filter matches part of the
   * address, so the candidates are compared here. `shared` reads the shared full listing instead.
   */
  async findUserByEmail(email: string, options: { shared?: boolean } = {}): Promise<SisenseUser | undefined> {
    const wanted = email.toLowerCase();
    const candidates = options.shared ? await this.listUsers() : await this.listUsers({ email }, { fresh: true });
    return candidates.find((user) => user.email.toLowerCase() === wanted);
  }

  /** A user by id with its `groups`; undefined when there is none. Shared unless `fresh`. */
  async getUser(id: string, options: { fresh?: boolean } = {}): Promise<SisenseUser | undefined> {
    return this.http.getIfExists<SisenseUser>(`/api/v1/users/${encodeURIComponent(id)}`, { shared: !options.fresh });
  }

  async createUser(body: { email: string; userName: string; firstName?: string; lastName?: string; roleId: string; password?: string }): Promise<SisenseUser> {
    // The caller checked the email was free: after an ambiguous failure, a user with it is ours.
    return this.http.confirmedWrite(
      () => this.http.post<SisenseUser>('/api/v1/users', dropUndefined(body)),
      () => this.findUserByEmail(body.email),
    );
  }

  /** `PATCH /api/v1/users/{id}` with the fields given; `groups` is never among them (it replaces the list). */
  async updateUser(id: string, changes: { email?: string; userName?: string; firstName?: string | null; lastName?: string | null; roleId?: string; password?: string }): Promise<SisenseUser> {
    return this.http.patch<SisenseUser>(`/api/v1/users/${encodeURIComponent(id)}`, changes);
  }

  /** Replaces the user's group list (`groups` in a PATCH is a full replace; `[]` clears it). */
  async setUserGroups(id: string, groups: string[]): Promise<void> {
    await this.http.patch(`/api/v1/users/${encodeURIComponent(id)}`, { groups });
  }

  async deleteUser(id: string): Promise<void> {
    await ignoreNotFound(() => this.http.delete(`/api/v1/users/${encodeURIComponent(id)}`));
  }

  // --- groups --------------------------------------------------------------------------------

  /** Every group, built-ins included. Shared unless `fresh`. */
  async listGroups(options: { fresh?: boolean } = {}): Promise<SisenseGroup[]> {
    return this.allPages<SisenseGroup>('/api/v1/groups', {}, (group) => group._id, options.fresh);
  }

  /** The group with exactly this name (`?name=` is exact, compared again to be safe). */
  async findGroupByName(name: string, options: { fresh?: boolean } = {}): Promise<SisenseGroup | undefined> {
    const candidates = options.fresh ? await this.allPages<SisenseGroup>('/api/v1/groups', { name }, (group) => group._id, true) : await this.listGroups();
    return candidates.find((group) => group.name === name);
  }

  async getGroup(id: string, options: { fresh?: boolean } = {}): Promise<SisenseGroup | undefined> {
    return this.http.getIfExists<SisenseGroup>(`/api/v1/groups/${encodeURIComponent(id)}`, { shared: !options.fresh });
  }

  async createGroup(name: string): Promise<SisenseGroup> {
    // Names are unique and the caller checked this one was free: after an ambiguous failure a
    // group with this name is the one this call created.
    return this.http.confirmedWrite(
      () => this.http.post<SisenseGroup>('/api/v1/groups', { name }),
      () => this.findGroupByName(name, { fresh: true }),
    );
  }

  /**
   * Renames through v0.9 `PUT /api/groups/{id}`, the only rename route known to exist. It answers
   * a Mongo update result such as `[1, {"n": 1, "nModified": 1, "ok": 1}]`, and may answer 200
   * with `n: 0` for an unknown id instead of 404: both mean "no such group" (false).
   */
  async renameGroup(id: string, name: string): Promise<boolean> {
    let result: unknown;
    try {
      result = await this.http.put(`/api/groups/${encodeURIComponent(id)}`, { name });
    } catch (error) {
      if (error instanceof VendorApiError && error.isNotFound) return (await this.getGroup(id, { fresh: true })) !== undefined;
      throw error;
    }
    const matched = mongoMatchCount(result);
    // An unreadable result (an empty body, the group itself) is checked by reading the group.
    return matched === undefined ? (await this.getGroup(id, { fresh: true }))?.name === name : matched > 0;
  }

  async deleteGroup(id: string): Promise<void> {
    await ignoreNotFound(() => this.http.delete(`/api/v1/groups/${encodeURIComponent(id)}`));
  }

  // --- dashboards ----------------------------------------------------------------------------

  /** The owner instances of every dashboard (admin list), or those matching the filter. Shared unless `fresh`. */
  async listDashboards(filter: Query = {}, options: { fresh?: boolean } = {}): Promise<SisenseDashboard[]> {
    return this.allPages<SisenseDashboard>('/api/v1/dashboards/admin', { dashboardType: 'owner', ...filter }, (dashboard) => dashboard.oid, options.fresh);
  }

  async findDashboard(oid: string): Promise<SisenseDashboard | undefined> {
    return (await this.listDashboards({ id: oid })).find((dashboard) => dashboard.oid === oid);
  }

  /** Dashboards titled exactly `title` (the admin list's `name` is a search). */
  async findDashboardsByTitle(title: string): Promise<SisenseDashboard[]> {
    return (await this.listDashboards({ name: title })).filter((dashboard) => dashboard.title === title);
  }

  /** The dashboard's share list as Sisense has it (display fields dropped); undefined when the dashboard is gone. */
  async dashboardShares(oid: string, options: { fresh?: boolean } = {}): Promise<DashboardShare[] | undefined> {
    const path = `/api/shares/dashboard/${encodeURIComponent(oid)}`;
    const found = await this.asDashboardAdmin(oid, (query) => this.http.getIfExists<{ sharesTo?: unknown[] }>(path, { query, shared: !options.fresh }));
    return found === undefined ? undefined : (found.sharesTo ?? []).map(dashboardShare);
  }

  /**
   * Writes the whole share list (v0.9 `POST /api/shares/dashboard/{oid}` replaces it, as does v1
   * `PATCH /api/v1/dashboards/{oid}` with `shares`; the v0.9 route is the one Sisense's own tests
   * use). Sending the same list twice is harmless.
   */
  async writeDashboardShares(oid: string, shares: DashboardShare[]): Promise<void> {
    const path = `/api/shares/dashboard/${encodeURIComponent(oid)}`;
    await this.asDashboardAdmin(oid, (query) => this.http.post(path, { sharesTo: shares }, { query, idempotent: true }));
  }

  /** Pushes the owner's version to the recipients: without it a change of shares does not reach them. */
  async publishDashboard(oid: string): Promise<void> {
    const path = `/api/v1/dashboards/${encodeURIComponent(oid)}/publish`;
    await this.asDashboardAdmin(oid, (query) => this.http.post(path, undefined, { query: { ...query, force: false }, idempotent: true }));
  }

  /**
   * Runs a dashboard call as an admin acting on another owner's dashboard (`adminAccess=true`),
   * and again without it when Sisense refuses that (it does on the caller's own dashboards). The
   * outcome is remembered per dashboard. Only a refusal (400, 403, 422) falls back: 401 is a bad
   * token and 404 a gone dashboard, whichever way it is asked.
   */
  private async asDashboardAdmin<T>(oid: string, call: (query: Query) => Promise<T>): Promise<T> {
    const known = this.adminAccess.get(oid);
    if (known === false) return call({});
    try {
      const result = await call({ adminAccess: true });
      this.adminAccess.set(oid, true);
      return result;
    } catch (error) {
      if (known === true || !(error instanceof VendorApiError && error.hasStatus(400, 403, 422))) throw error;
      const result = await call({});
      this.adminAccess.set(oid, false);
      return result;
    }
  }

  // --- data models ---------------------------------------------------------------------------

  /**
   * Every data model (extract and live) with its oid, title and type: `GET /api/v2/datamodels/schema`
   * without a title lists them. Shared unless `fresh`.
   */
  async listDataModels(options: { fresh?: boolean } = {}): Promise<SisenseDataModel[]> {
    const path = '/api/v2/datamodels/schema';
    const query = { fields: 'oid,title,type' };
    const listed = options.fresh ? await this.http.get<unknown>(path, { query }) : await this.http.cachedGet<unknown>(path, query);
    return asArray(listed).map(dataModel);
  }

  async findDataModel(oid: string, options: { fresh?: boolean } = {}): Promise<SisenseDataModel | undefined> {
    return (await this.listDataModels(options)).find((model) => model.oid === oid);
  }

  /** `GET /api/v2/datamodels/schema?title=`: one model, 404 when there is none. */
  async findDataModelByTitle(title: string): Promise<SisenseDataModel | undefined> {
    const found = await this.http.getIfExists<unknown>('/api/v2/datamodels/schema', { query: { title } });
    // One model, or a list holding it: both shapes are accepted.
    const model = Array.isArray(found) ? found.find((candidate) => (candidate as { title?: string }).title === title) : found;
    return model === undefined ? undefined : dataModel(model);
  }

  /** The model's permission list (always fresh: it is only read to be written or checked). */
  async dataModelShares(model: SisenseDataModel): Promise<DataModelShare[] | undefined> {
    // Extract: an object `{shares: [...]}`; live: a bare array. Either shape is read from either.
    const found = await this.http.getIfExists<unknown>(this.permissionsPath(model));
    if (found === undefined) return undefined;
    const entries = Array.isArray(found) ? found : ((found as { shares?: unknown[] }).shares ?? []);
    return entries.map(dataModelShare);
  }

  /** Replaces the model's permission list (extract: `PUT` of a bare array; live: `PATCH`; both replace). */
  async writeDataModelShares(model: SisenseDataModel, shares: DataModelShare[]): Promise<void> {
    if (model.type === 'live') await this.http.patch(this.permissionsPath(model), shares);
    else await this.http.put(this.permissionsPath(model), shares);
  }

  private permissionsPath(model: SisenseDataModel): string {
    return model.type === 'live'
      ? `/api/v1/elasticubes/live/${encodeURIComponent(model.oid)}/permissions`
      : `/api/elasticubes/${EXTRACT_SERVER}/${encodeURIComponent(model.title)}/permissions`;
  }

  // --- plumbing ------------------------------------------------------------------------------

  /**
   * A v1 list, all pages: `skip`/`limit` until a short page (there are no totals, and the default
   * page size is not known). Should a server ignore `skip`, a page that adds nothing new ends it.
   */
  private async allPages<T>(path: string, filter: Query, idOf: (item: T) => string, fresh = false): Promise<T[]> {
    const found = new Map<string, T>();
    for (let skip = 0; ; skip += PAGE_SIZE) {
      const query = { ...filter, skip, limit: PAGE_SIZE };
      const page = asArray(fresh ? await this.http.get<unknown>(path, { query }) : await this.http.cachedGet<unknown>(path, query)) as T[];
      const before = found.size;
      for (const item of page) found.set(idOf(item), item);
      if (page.length < PAGE_SIZE || found.size === before) return [...found.values()];
    }
  }
}

/** `POST /api/v1/authentication/login` (form-encoded, as Sisense's own clients send it). */
async function login(http: VendorHttpClient, username: string, password: string): Promise<{ headers: Record<string, string>; token: string }> {
  const answer = await http.post<{ access_token?: unknown }>(LOGIN_PATH, new URLSearchParams({ username, password }), { withoutSession: true, idempotent: true });
  const token = answer?.access_token;
  if (typeof token !== 'string' || token === '') throw new SisenseAuthenticationError(`Sisense's login (POST ${LOGIN_PATH}) answered without an access_token. Check sisense.url, sisense.username and sisense.password.`);
  return { headers: { Authorization: `Bearer ${token}` }, token };
}

/** A list answered bare, or wrapped in an object under its only array-valued key. */
function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const arrays = Object.values(value).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  return [];
}

function dashboardShare(raw: unknown): DashboardShare {
  const entry = raw as Record<string, unknown>;
  const share: DashboardShare = { shareId: String(entry.shareId ?? entry.partyId ?? ''), type: entry.type === 'group' ? 'group' : 'user' };
  if (typeof entry.rule === 'string') share.rule = entry.rule as ShareRule;
  share.subscribe = entry.subscribe === true;
  return share;
}

function dataModel(raw: unknown): SisenseDataModel {
  const model = raw as Record<string, unknown>;
  return { oid: String(model.oid ?? model._id ?? ''), title: String(model.title ?? ''), type: model.type === 'live' ? 'live' : 'extract' };
}

/** Entries name the party `partyId`, or `party` as some clients write them; both are read. */
function dataModelShare(raw: unknown): DataModelShare {
  const entry = raw as Record<string, unknown>;
  const type = entry.type === 'group' || entry.type === 'default' ? entry.type : 'user';
  return { partyId: String(entry.partyId ?? entry.party ?? ''), type, permission: String(entry.permission) as DataModelPermission };
}

/** `n` of a Mongo update result (`[1, {n, nModified, ok}]` or `{n, …}`); undefined when the body is something else. */
function mongoMatchCount(result: unknown): number | undefined {
  const candidates = Array.isArray(result) ? result : [result];
  for (const candidate of candidates) {
    if (candidate && typeof candidate === 'object' && typeof (candidate as { n?: unknown }).n === 'number') return (candidate as { n: number }).n;
  }
  return undefined;
}

async function ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof VendorApiError && error.isNotFound)) throw error;
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------
// Ids: 24-hex Mongo ObjectIds for users, groups and dashboards; data models have their own oids.

export const SISENSE_ID: IdShape = { pattern: /^[0-9a-f]{24}$/i, description: 'a Sisense id (24 hex digits)', plural: 'Sisense ids (24 hex digits)', example: '5b3293ab0800930a10dd0d3b' };

/** Data-model oids are UUIDs on current versions and ObjectIds on older ones: any id-like text. */
export const DATA_MODEL_ID: IdShape = { pattern: /^[0-9A-Za-z][0-9A-Za-z_-]*$/, description: 'a data model oid', plural: 'data model oids', example: 'c5e1c5d4-3a57-4b8a-9d5e-3f1c2b7a9e10' };

/** Plan-time check of an id attribute (Sisense answers a malformed id with 422 and no useful body). */
export const sisenseIdValidator = matches(SISENSE_ID.pattern, 'a Sisense id of 24 hex digits such as "5b3293ab0800930a10dd0d3b"');
export const dataModelIdValidator = matches(DATA_MODEL_ID.pattern, `a data model oid (letters, digits and "-") such as "${DATA_MODEL_ID.example}"`);
