// Typed calls to the Periscope Data (Sisense for Cloud Data Teams) API of RBAC sites: users v2,
// roles v1, dashboards v1. What the public sources leave open is handled both ways here, so no
// resource has to care: single objects bare or wrapped, lists bare or paginated with a cursor,
// ids numbers or strings, error bodies of several shapes. Every write sends `test_mode=false`
// and names the configured admin. No other file builds a Periscope path.
import { VendorConfigError } from '../../framework/definitions';
import { VendorApiError, VendorHttpClient, type InvalidationRule, type Query, type RetryOptions } from '../../framework/http';
import type { IdShape } from '../../framework/ids';
import type { Logger } from '../../framework/log';
import { matches } from '../../framework/validators';

// ---------------------------------------------------------------------------------------------
// Shapes, as the provider uses them: every id a string.

export interface PeriscopeUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  /** Role ids. */
  roles: string[];
}

/** What a role may do site-wide, for one kind of object. */
export interface Privilege {
  object_type: string;
  permissions: string[];
}

/** One object a role applies to (a dashboard), with what the role may do on it. */
export interface ObjectPermission {
  object_type: string;
  object_id: string;
  permissions: string[];
}

export interface PeriscopeRole {
  id: string;
  name: string;
  description: string;
  privileges: Privilege[];
  /** The role's objects; dashboards have object_type `Dashboard`. */
  permissions: ObjectPermission[];
}

export interface PeriscopeDashboard {
  id: string;
  name: string;
}

/** The roles every RBAC site has; they cannot be created, renamed or deleted. */
export const DEFAULT_ROLE_NAMES = ['Admin', 'Everyone', 'Analyst', 'Business User', 'Read'] as const;
/** The default role every user is in. */
export const EVERYONE = 'Everyone';
/** The object_type of dashboard entries (the only one the public sources show). */
export const DASHBOARD_OBJECT_TYPE = 'Dashboard';

export function isDefaultRoleName(name: string): boolean {
  return DEFAULT_ROLE_NAMES.some((defaultName) => defaultName.toLowerCase() === name.trim().toLowerCase());
}

/** Sent with every write: without it some sites treat a write as a dry run (validated and answered, not stored). */
const WRITE: Query = { test_mode: false };

/**
 * Writes that change shared reads of other paths (the written path, what lies below it and its
 * parent collections are dropped anyway).
 */
const SHARED_READS: InvalidationRule[] = [
  // A deleted role leaves every user's role list.
  { after: 'DELETE /api/v1/roles/:role', drop: ['/api/v2/users'] },
];

/** The site or API key was refused. Not a VendorApiError on purpose: it must never be taken for "not found". */
export class PeriscopeAuthenticationError extends Error {}

/** The site answered a write but did not do it (the change is not there when read back). */
export class PeriscopeIgnoredWriteError extends Error {}

export interface PeriscopeConnection {
  baseUrl: string;
  site: string;
  apiKey: string;
  /** An existing site admin, named in writes; undefined when not configured (writes then fail saying so). */
  adminEmail?: string;
  log?: Logger;
  signal?: AbortSignal;
  userAgent?: string;
  retry?: RetryOptions;
}

export class PeriscopeApi {
  readonly http: VendorHttpClient;
  private readonly configuredAdminEmail: string | undefined;
  /**
   * How the site spells each id it has sent (a number or a string), by its string form: ids are
   * sent back as the site gave them, so a site that compares typed ids finds them.
   */
  private readonly wireIds = new Map<string, string | number>();

  constructor(connection: PeriscopeConnection) {
    this.configuredAdminEmail = connection.adminEmail;
    this.http = new VendorHttpClient({
      vendor: 'periscope',
      baseUrl: connection.baseUrl,
      headers: { 'HTTP-X-PARTNER-AUTH': `${connection.site}:${connection.apiKey}` },
      secrets: [connection.apiKey, `${connection.site}:${connection.apiKey}`],
      log: connection.log,
      signal: connection.signal,
      userAgent: connection.userAgent,
      retry: connection.retry,
      // Every RBAC site answers the role list (it holds at least the default roles).
      apiCheck: { path: '/api/v1/roles', hint: 'check periscope.url (PERISCOPE_URL), e.g. https://api.periscopedata.com, and that the site uses roles (RBAC).' },
      errorMessage: periscopeErrorMessage,
      interpretError: interpretPeriscopeError,
      sharedReads: SHARED_READS,
    });
  }

  /** The admin named in writes (`invited_by_email`, `created_by_email`, `updated_by_email`). */
  private get adminEmail(): string {
    if (!this.configuredAdminEmail) {
      throw new VendorConfigError(
        'admin_email',
        'periscope.admin_email is not set: set it in the provider\'s "periscope" block or the environment variable PERISCOPE_ADMIN_EMAIL (the email of an existing site admin; Periscope records who makes each change).',
      );
    }
    return this.configuredAdminEmail;
  }

  // --- users ---------------------------------------------------------------------------------

  /** Every user (all pages). Shared within the process unless `fresh`. */
  async listUsers(options: { fresh?: boolean } = {}): Promise<PeriscopeUser[]> {
    return (await this.listAll('/api/v2/users', 'users', options.fresh)).map((raw) => this.user(raw));
  }

  /** A user by id from the (shared) list; a miss is confirmed with a fresh one, as the user may be newer. */
  async findUser(id: string): Promise<PeriscopeUser | undefined> {
    return (await this.listUsers()).find((user) => user.id === id) ?? (await this.listUsers({ fresh: true })).find((user) => user.id === id);
  }

  /**
   * A user by id, fresh. A 404 counts as "gone" only when the user list agrees: a route a site
   * does not serve answers 404 too (often an HTML page), and that must never read as deleted.
   */
  async getUser(id: string): Promise<PeriscopeUser | undefined> {
    try {
      return this.user(unwrap(await this.http.get(`/api/v2/users/${encodeURIComponent(id)}`), 'user') ?? {});
    } catch (error) {
      if (!(error instanceof VendorApiError && error.isNotFound)) throw error;
      if ((await this.listUsers({ fresh: true })).some((user) => user.id === id)) throw error;
      return undefined;
    }
  }

  /** The user with this email (compared ignoring case: the site stores emails lower-cased). */
  async findUserByEmail(email: string, options: { fresh?: boolean } = {}): Promise<PeriscopeUser | undefined> {
    const wanted = email.trim().toLowerCase();
    return (await this.listUsers(options)).find((user) => user.email.toLowerCase() === wanted);
  }

  /**
   * Creates (and invites) a user. The body carries `roles` (every example sends it, and a site may
   * require it non-empty) holding only Everyone, which every user is in anyway: memberships belong
   * to role_member resources. A response without the user (a dry-run-like answer) is checked
   * against the list.
   */
  async createUser(fields: { email: string; first_name: string; last_name: string }): Promise<PeriscopeUser> {
    const everyone = await this.findRoleByName(EVERYONE);
    const body = { ...fields, roles: everyone ? [this.wireId(everyone.id)] : [], invited_by_email: this.adminEmail };
    // The caller checked the email was free: after an ambiguous failure, a user with it is ours.
    const created = await this.http.confirmedWrite(
      async () => this.userOrUndefined(unwrap(await this.http.post('/api/v2/users', body, { query: WRITE }), 'user')),
      () => this.findUserByEmail(fields.email, { fresh: true }),
    );
    return created ?? this.stored(await this.findUserByEmail(fields.email, { fresh: true }), 'user', fields.email);
  }

  /** Changes the names only: the user's roles are never sent here (they belong to the membership writes). */
  async updateUserNames(id: string, names: { first_name: string; last_name: string }): Promise<void> {
    await this.http.put(`/api/v2/users/${encodeURIComponent(id)}`, names, { query: WRITE });
  }

  /**
   * Replaces the user's role list, then reads it back: nothing public shows that a user PUT with
   * `roles` replaces the list, so a site that ignored it fails here, saying so. Everyone is left
   * out of the comparison: a site may list it for every user or for none, and keeps it either way.
   */
  async replaceUserRoles(id: string, roleIds: readonly string[]): Promise<void> {
    await this.http.put(`/api/v2/users/${encodeURIComponent(id)}`, { roles: roleIds.map((roleId) => this.wireId(roleId)) }, { query: WRITE });
    const after = await this.getUser(id);
    const everyone = (await this.findRoleByName(EVERYONE))?.id;
    const comparable = (ids: readonly string[]) => [...new Set(ids.filter((roleId) => roleId !== everyone))].sort().join(',');
    if (after && comparable(after.roles) !== comparable(roleIds)) {
      throw new PeriscopeIgnoredWriteError(
        `periscope API: PUT /api/v2/users/${id} with the roles [${roleIds.join(', ')}] was answered with success, but the user's roles read back are [${after.roles.join(', ')}]. ` +
          'This site did not apply a change of roles through the users API; change the membership in the Periscope UI, or ask Periscope support whether the user API may set roles on this site.',
      );
    }
  }

  async deleteUser(id: string): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.delete(`/api/v2/users/${encodeURIComponent(id)}`, { query: WRITE, idempotent: false }),
      async () => ((await this.listUsers({ fresh: true })).some((user) => user.id === id) ? undefined : true),
    );
  }

  /** Serializes writes to one user (its role list above all). */
  withUserLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(userLock(userId), fn);
  }

  // --- roles ---------------------------------------------------------------------------------

  /**
   * Every role, default ones included. Read from the list, whose shape is confirmed, rather than
   * `GET /api/v1/roles/{id}`, whose path the sources disagree on. Shared unless `fresh`.
   */
  async listRoles(options: { fresh?: boolean } = {}): Promise<PeriscopeRole[]> {
    return (await this.listAll('/api/v1/roles', 'roles', options.fresh)).map((raw) => this.role(raw));
  }

  /** A role by id; a miss in the shared list is confirmed with a fresh one. `fresh` reads only a fresh list. */
  async findRole(id: string, options: { fresh?: boolean } = {}): Promise<PeriscopeRole | undefined> {
    const fresh = async () => (await this.listRoles({ fresh: true })).find((role) => role.id === id);
    if (options.fresh) return fresh();
    return (await this.listRoles()).find((role) => role.id === id) ?? (await fresh());
  }

  /** A role by name, ignoring case (names are unique on a site, and may be so ignoring case). */
  async findRoleByName(name: string, options: { fresh?: boolean } = {}): Promise<PeriscopeRole | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await this.listRoles(options)).find((role) => role.name.toLowerCase() === wanted);
  }

  /**
   * Creates a role with no dashboards (they belong to the dashboard permission writes). A role's id
   * reportedly did not show until it had a dashboard on one site: an answer without an id is
   * completed from the list by name.
   */
  async createRole(fields: { name: string; description: string; privileges: Privilege[] }): Promise<PeriscopeRole> {
    const body = { ...fields, created_by_email: this.adminEmail, privileges: fields.privileges, permissions: [] };
    // The caller holds the name's lock and checked it was free: after an ambiguous failure, a role with it is ours.
    const created = await this.http.confirmedWrite(
      async () => this.roleOrUndefined(unwrap(await this.http.post('/api/v1/roles', body, { query: WRITE }), 'role')),
      () => this.findRoleByName(fields.name, { fresh: true }),
    );
    return created ?? this.stored(await this.findRoleByName(fields.name, { fresh: true }), 'role', fields.name);
  }

  /**
   * Writes the whole role. Both arrays are always sent: whether an array left out of a role PUT is
   * kept or cleared is not known, and either would be wrong for someone.
   */
  async updateRole(role: PeriscopeRole): Promise<void> {
    const body = {
      name: role.name,
      description: role.description,
      updated_by_email: this.adminEmail,
      privileges: role.privileges.map((privilege) => ({ object_type: privilege.object_type, permissions: [...privilege.permissions] })),
      permissions: role.permissions.map((entry) => ({ object_type: entry.object_type, object_id: this.wireId(entry.object_id), permissions: [...entry.permissions] })),
    };
    await this.http.put(`/api/v1/roles/${encodeURIComponent(role.id)}`, body, { query: WRITE });
  }

  async deleteRole(id: string): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.delete(`/api/v1/roles/${encodeURIComponent(id)}`, { query: WRITE, idempotent: false }),
      async () => ((await this.findRole(id, { fresh: true })) ? undefined : true),
    );
  }

  /** Serializes writes to one role: the role resource and the dashboard entries of the role take it. */
  withRoleLock<T>(roleId: string, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(roleLock(roleId), fn);
  }

  /** Serializes checks and creates of one role name (names are kept unique). */
  withRoleNameLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(`periscope:role-name:${name.trim().toLowerCase()}`, fn);
  }

  // --- dashboards ----------------------------------------------------------------------------

  /** Every dashboard, following `next_page_start`. Shared unless `fresh`. */
  async listDashboards(options: { fresh?: boolean } = {}): Promise<PeriscopeDashboard[]> {
    return (await this.listAll('/api/v1/dashboards', 'dashboards', options.fresh)).map((raw) => ({ id: this.id(raw.id), name: String(raw.name ?? '') }));
  }

  /** A dashboard by id; a miss in the shared list is confirmed with a fresh one. */
  async findDashboard(id: string): Promise<PeriscopeDashboard | undefined> {
    return (await this.listDashboards()).find((dashboard) => dashboard.id === id) ?? (await this.listDashboards({ fresh: true })).find((dashboard) => dashboard.id === id);
  }

  // --- reading answers -----------------------------------------------------------------------

  /**
   * All items of a list. A list may come as a bare array, or as an object holding the items under
   * `key` with a `next_page_start` cursor (null or absent on the last page): both are read.
   */
  private async listAll(path: string, key: string, fresh = false): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const query: Query = { next_page_start: cursor };
      const body = fresh ? await this.http.get(path, { query }) : await this.http.cachedGet(path, query);
      const page = listPage(body, key);
      if (!page) throw new VendorApiError(`periscope API: GET ${path} answered something that is not a list of ${key}: ${JSON.stringify(body).slice(0, 200)}`, { method: 'GET', path });
      items.push(...page.items);
      if (page.next === undefined) return items;
      // A cursor seen before would loop forever: the site is not paginating as documented.
      if (seenCursors.has(page.next)) throw new VendorApiError(`periscope API: GET ${path} returned the page cursor "${page.next}" twice`, { method: 'GET', path });
      seenCursors.add(page.next);
      cursor = page.next;
    }
  }

  /** The string form of an id, remembering how the site spelled it. */
  private id(value: unknown): string {
    if (typeof value !== 'string' && typeof value !== 'number') return '';
    const text = String(value);
    if (!this.wireIds.has(text)) this.wireIds.set(text, value);
    return text;
  }

  /** An id as the site spelled it when it sent it; an id it never sent goes as given. */
  private wireId(id: string): string | number {
    return this.wireIds.get(id) ?? id;
  }

  private user(raw: Record<string, unknown>): PeriscopeUser {
    return {
      id: this.id(raw.id),
      email: String(raw.email ?? ''),
      first_name: String(raw.first_name ?? ''),
      last_name: String(raw.last_name ?? ''),
      roles: Array.isArray(raw.roles) ? raw.roles.map((role) => this.id(typeof role === 'object' && role !== null ? (role as Record<string, unknown>).id : role)).filter((id) => id !== '') : [],
    };
  }

  private userOrUndefined(raw: Record<string, unknown> | undefined): PeriscopeUser | undefined {
    return raw && (typeof raw.id === 'string' || typeof raw.id === 'number') ? this.user(raw) : undefined;
  }

  private role(raw: Record<string, unknown>): PeriscopeRole {
    const entries = (value: unknown) => (Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []);
    const names = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    return {
      id: this.id(raw.id),
      name: String(raw.name ?? ''),
      description: raw.description == null ? '' : String(raw.description),
      privileges: entries(raw.privileges).map((entry) => ({ object_type: String(entry.object_type ?? ''), permissions: names(entry.permissions) })),
      permissions: entries(raw.permissions).map((entry) => ({ object_type: String(entry.object_type ?? ''), object_id: this.id(entry.object_id), permissions: names(entry.permissions) })),
    };
  }

  private roleOrUndefined(raw: Record<string, unknown> | undefined): PeriscopeRole | undefined {
    return raw && (typeof raw.id === 'string' || typeof raw.id === 'number') ? this.role(raw) : undefined;
  }

  /** What a write answered without the object: found in the list, or the write was not stored. */
  private stored<T>(found: T | undefined, kind: 'user' | 'role', key: string): T {
    if (found) return found;
    throw new PeriscopeIgnoredWriteError(
      `periscope API: the site answered the creation of the ${kind} "${key}" with success, but the ${kind} is not there when read back. ` +
        'The site may have treated the write as a dry run (test_mode), although test_mode=false was sent.',
    );
  }
}

/** The lock of a user's role list. */
export function userLock(userId: string): string {
  return `periscope:user:${userId}`;
}

/** The lock of a role (its name, description, privileges and dashboard entries). */
export function roleLock(roleId: string): string {
  return `periscope:role:${roleId}`;
}

/** `{"user": {...}}` or the bare object: the sources show neither for certain, so both are read. */
export function unwrap(body: unknown, key: string): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const inner = record[key];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : record;
}

/** One page of a list: a bare array (no further page), or `{ [key]: [...], next_page_start }`. */
export function listPage(body: unknown, key: string): { items: Array<Record<string, unknown>>; next?: string } | undefined {
  if (Array.isArray(body)) return { items: body as Array<Record<string, unknown>> };
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const items = record[key];
  if (!Array.isArray(items)) return undefined;
  const cursor = record.next_page_start;
  const next = cursor === null || cursor === undefined || cursor === '' ? undefined : String(cursor);
  // A page without items ends the list even if a cursor came with it.
  return { items: items as Array<Record<string, unknown>>, next: items.length === 0 ? undefined : next };
}

/**
 * The explanation in a Periscope error body. Besides the common shapes (`{"error": "..."}`,
 * `{"message": "..."}`), a validation error may come Rails-style: `{"errors": {"email": ["has
 * already been taken"]}}`.
 */
export function periscopeErrorMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const errors = (body as Record<string, unknown>).errors;
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors)) return undefined;
  const parts = Object.entries(errors as Record<string, unknown>).map(([field, problems]) => `${field} ${(Array.isArray(problems) ? problems : [problems]).map(String).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

const ADMIN_EMAIL_FIELDS = /\b(invited_by_email|created_by_email|updated_by_email)\b/;

function interpretPeriscopeError(error: VendorApiError): Error | undefined {
  if (error.hasStatus(401, 403)) {
    return new PeriscopeAuthenticationError(
      `${error.message}\n\nPeriscope refused the site name and API key sent in HTTP-X-PARTNER-AUTH. Check periscope.site (PERISCOPE_SITE: the name in your dashboard URLs, /app/<site>/…) ` +
        'and periscope.api_key (PERISCOPE_API_KEY: Settings → Billing and Authentication). The user and role API is also a paid add-on: a site without it refuses the key.',
    );
  }
  if (error.status !== undefined && error.status >= 400 && error.status < 500 && ADMIN_EMAIL_FIELDS.test(error.vendorMessage ?? '')) {
    return new VendorConfigError('admin_email', `${error.message}\n\nCheck periscope.admin_email (PERISCOPE_ADMIN_EMAIL): it must be the email of an existing admin of the site.`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Ids: strings of any form (numbers on some sites), but never holding "/" (composite ids use it).

export const PERISCOPE_ID: IdShape = { pattern: /^[^/\s]+$/, description: 'a Periscope id', plural: 'Periscope ids', example: '42' };

/** Plan-time check of an id attribute (values known only at apply are checked then). */
export const periscopeIdValidator = matches(PERISCOPE_ID.pattern, 'a Periscope id such as "42" (without "/" or spaces)');
