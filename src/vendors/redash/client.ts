// Typed calls to the Redash API and the quirks every resource relies on: pagination,
// natural-key lookups, 500 answered for unknown ids, writes that are not idempotent, membership
// stored on the user, and 404 answered for a wrong API key. No other file builds a Redash path.
import { AttributeError, ImportIdError } from '../../framework/definitions';
import { VendorApiError, VendorHttpClient, type InvalidationRule, type Query, type RetryOptions } from '../../framework/http';
import type { IdShape } from '../../framework/ids';
import type { Logger } from '../../framework/log';
import { matches } from '../../framework/validators';

// ---------------------------------------------------------------------------------------------
// Shapes (only the fields the provider uses)

/** `User.to_dict()`: a single GET or a write response; `groups` is the raw array (duplicates kept). */
export interface RedashUser {
  id: number;
  name: string;
  email: string;
  groups: number[];
  is_disabled: boolean;
  is_invitation_pending: boolean;
}

/** A user as the list returns it: `groups` replaced by de-duplicated `{id, name}` objects. */
export interface ListedUser extends Omit<RedashUser, 'groups'> {
  groups: Array<{ id: number; name: string }>;
}

export interface RedashGroup {
  id: number;
  name: string;
  type: 'builtin' | 'regular';
}

export interface RedashDataSource {
  id: number;
  name: string;
  type: string;
  /** Admin GET and write responses only; secret keys masked as `--------`. */
  options?: Record<string, unknown>;
  /** Admin GET only: group id (string key) → view_only. */
  groups?: Record<string, boolean>;
}

/** An item of `GET /api/groups/<id>/data_sources`: the data source plus that group's `view_only`. */
export interface GroupDataSource extends RedashDataSource {
  view_only: boolean;
}

export interface DataSourceType {
  type: string;
  name: string;
  configuration_schema?: {
    properties?: Record<string, { type?: string }>;
    required?: string[];
    secret?: string[];
  };
}

export interface RedashDashboard {
  id: number;
  slug: string;
  name: string;
  is_archived?: boolean;
}

interface Page<T> {
  count: number;
  page: number;
  page_size: number;
  results: T[];
}

/** What Redash sends back in place of a secret option; sent back, it keeps the stored value. */
export const MASKED_SECRET = '--------';
export const BUILT_IN_GROUP_NAMES = ['admin', 'default'] as const;
const PAGE_SIZE = 250; // the maximum Redash accepts

/** Redash answers a missing or wrong API key with 404 and this message, never 401. */
const LOGIN_MESSAGE = /please login/i;

/** The API key was refused. Not a VendorApiError on purpose: it must never be taken for "not found". */
export class RedashAuthenticationError extends Error {}

export interface RedashConnection {
  /** With the org slug path on multi-org servers. */
  baseUrl: string;
  apiKey: string;
  log?: Logger;
  signal?: AbortSignal;
  userAgent?: string;
  retry?: RetryOptions;
}

/**
 * Writes that change shared reads of other paths (the written path, what lies below it and its
 * parent collections are dropped anyway).
 */
const SHARED_READS: InvalidationRule[] = [
  // Membership lives on the user: adding or removing a member changes the user.
  { after: '/api/groups/:group/members/**', drop: ['/api/users'] },
  // Deleting a group strips its id from every member and drops its data source links.
  { after: 'DELETE /api/groups/:group', drop: ['/api/users', '/api/data_sources'] },
  // A new data source is linked to the `default` group; a deleted one takes its links along.
  { after: 'POST /api/data_sources', drop: ['/api/groups'] },
  { after: 'DELETE /api/data_sources/:dataSource', drop: ['/api/groups'] },
  // A link change shows in the data source's admin view (its `groups` map).
  { after: '/api/groups/:group/data_sources/:dataSource/**', drop: ['/api/data_sources/:dataSource'] },
  { after: 'POST /api/groups/:group/data_sources', drop: ['/api/data_sources'] },
];

export class RedashApi {
  readonly http: VendorHttpClient;

  constructor(connection: RedashConnection) {
    this.http = new VendorHttpClient({
      vendor: 'redash',
      baseUrl: connection.baseUrl,
      headers: { Authorization: `Key ${connection.apiKey}` },
      secrets: [connection.apiKey],
      log: connection.log,
      signal: connection.signal,
      userAgent: connection.userAgent,
      retry: connection.retry,
      // Every Redash answers the group list to an admin key.
      apiCheck: { path: '/api/groups', hint: 'check redash.url (REDASH_URL); on a multi-org server it ends with the org slug.' },
      interpretError: (error) =>
        // Redash answers a missing or refused API key with 404 "Please login", never 401.
        error.isNotFound && LOGIN_MESSAGE.test(error.vendorMessage ?? '')
          ? new RedashAuthenticationError(
              `Redash refused the API key (${error.method} ${error.path} answered 404 "${error.vendorMessage}"). ` +
                'Check redash.api_key (or REDASH_API_KEY): it must be the API key of an enabled Redash admin user, and redash.url (REDASH_URL) must point at that Redash (with the org slug on multi-org servers).',
            )
          : undefined,
      sharedReads: SHARED_READS,
    });
  }

  // --- users ---------------------------------------------------------------------------------

  /**
   * Every user of one listing (`disabled=false` omits disabled users; `disabled=true` lists only
   * them), all pages. Ordered by creation so a user created meanwhile lands on the last page
   * rather than shifting the others. Shared within the process unless `fresh`.
   */
  async listUsers(disabled: boolean, options: { fresh?: boolean; q?: string } = {}): Promise<ListedUser[]> {
    const users: ListedUser[] = [];
    for (let page = 1; ; page++) {
      const query: Query = { page, page_size: PAGE_SIZE, disabled, order: 'created_at', q: options.q };
      const result = await this.read<Page<ListedUser>>('/api/users', query, options.fresh);
      users.push(...result.results);
      // Redash answers 400 "Page is out of range." past the last page: stop before it.
      if (result.results.length === 0 || page * result.page_size >= result.count) return users;
    }
  }

  /**
   * A user by id through the shared listings (one or two list calls serve every user and
   * membership of a refresh). Undefined when neither the enabled nor the disabled listing has it.
   */
  async findUser(id: number): Promise<ListedUser | undefined> {
    const enabled = (await this.listUsers(false)).find((user) => user.id === id);
    return enabled ?? (await this.listUsers(true)).find((user) => user.id === id);
  }

  /** A user by id, fresh, with the raw group array (duplicates included); undefined when there is none. */
  async getUser(id: number): Promise<RedashUser | undefined> {
    return this.http.getIfExists<RedashUser>(`/api/users/${id}`);
  }

  /**
   * Users whose email equals `email` ignoring case, disabled ones included. Redash's `q` matches
   * the email case-sensitively as a substring, and lower-cases emails only at creation, so the
   * search runs with the email as given and lower-cased. `shared` reads the shared full listings
   * instead of searching (one read serves every lookup of a plan).
   */
  async findUsersByEmail(email: string, options: { shared?: boolean } = {}): Promise<ListedUser[]> {
    const wanted = email.toLowerCase();
    const found = new Map<number, ListedUser>();
    for (const disabled of [false, true]) {
      const listings = options.shared ? [await this.listUsers(disabled)] : await Promise.all([...new Set([email, wanted])].map((q) => this.listUsers(disabled, { fresh: true, q })));
      for (const user of listings.flat()) {
        if (user.email.toLowerCase() === wanted) found.set(user.id, user);
      }
    }
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  /** `POST /api/users`: an invitation (pending user in the `default` group). */
  async createUser(name: string, email: string, sendInvite: boolean): Promise<RedashUser> {
    return this.rateLimited('create', () =>
      this.http.confirmedWrite(
        // `no_invite` counts by its presence only; without it Redash e-mails the invitation.
        () => this.http.post<RedashUser>('/api/users', { name, email }, { query: sendInvite ? undefined : { no_invite: 1 } }),
        // We checked the email was free before the first attempt: a user with it now is ours.
        async () => {
          const [created] = await this.findUsersByEmail(email);
          return created ? await this.getUser(created.id) : undefined;
        },
      ),
    );
  }

  /** `POST /api/users/<id>` with name and email; repeating it is harmless. */
  async updateUser(id: number, changes: { name?: string; email?: string }): Promise<RedashUser> {
    return this.rateLimited('update', () => this.http.post<RedashUser>(`/api/users/${id}`, changes, { idempotent: true }));
  }

  async setUserDisabled(id: number, disabled: boolean): Promise<void> {
    const path = `/api/users/${id}/disable`;
    if (disabled) await this.http.post(path, undefined, { idempotent: true });
    else await this.http.delete(path);
  }

  /** (Re)sends the invitation e-mail of a pending user. */
  async sendInvitation(id: number): Promise<void> {
    await this.http.post(`/api/users/${id}/invite`, undefined, { idempotent: true });
  }

  /** Deletes a pending invitation. Redash refuses (403) to delete a user who has activated. */
  async deleteUser(id: number): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.delete(`/api/users/${id}`, { idempotent: false }),
      // Unknown ids answer 500: after a failed attempt, the user being gone means it worked.
      async () => ((await this.getUser(id)) === undefined ? true : undefined),
    );
  }

  /** Serializes writes to one user's row (its group array above all) with the membership writes. */
  withUserLock<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(userLock(userId), fn);
  }

  // --- groups --------------------------------------------------------------------------------

  /** `GET /api/groups` (not paginated; an admin sees all). Shared unless `fresh`. */
  async listGroups(options: { fresh?: boolean } = {}): Promise<readonly RedashGroup[]> {
    return this.read<RedashGroup[]>('/api/groups', undefined, options.fresh);
  }

  /**
   * A group by id from the list: `GET /api/groups/<id>` answers 500 for an unknown id. A miss in
   * the shared list is confirmed with a fresh one (the group may be newer than the cached read).
   */
  async findGroup(id: number): Promise<RedashGroup | undefined> {
    return (await this.listGroups()).find((group) => group.id === id) ?? (await this.listGroups({ fresh: true })).find((group) => group.id === id);
  }

  async createGroup(name: string): Promise<RedashGroup> {
    // Callers hold the lock for this name and have checked that no group has it (the provider
    // treats group names as unique although Redash does not), so after an ambiguous failure a
    // group with this name is the one this call created, and adopting it cannot duplicate it.
    return this.http.confirmedWrite(
      // The shared group list keeps the new group instead of being fetched again: every membership
      // planned after it looks its group up there (measured: ~270 list reads in an apply of 500 groups).
      () => this.http.post<RedashGroup>('/api/groups', { name }, { updateSharedRead: { path: '/api/groups', update: withGroup } }),
      async () => (await this.listGroups({ fresh: true })).filter((group) => group.name === name).sort((a, b) => a.id - b.id)[0],
    );
  }

  async renameGroup(id: number, name: string): Promise<RedashGroup> {
    return this.http.post<RedashGroup>(`/api/groups/${id}`, { name }, { idempotent: true });
  }

  async deleteGroup(id: number): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.delete(`/api/groups/${id}`, { idempotent: false }),
      async () => ((await this.listGroups({ fresh: true })).some((group) => group.id === id) ? undefined : true),
    );
  }

  /** Serializes checks and writes of one group name (names are kept unique). */
  withGroupNameLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(`redash:group-name:${name}`, fn);
  }

  // --- memberships (stored on the user's `groups` array) -------------------------------------

  /**
   * Appends the group to the user's array: Redash appends blindly (a second add stores the id
   * twice), so after an ambiguous failure the user is read before trying again.
   */
  async addMember(groupId: number, userId: number): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.post(`/api/groups/${groupId}/members`, { user_id: userId }),
      async () => ((await this.getUser(userId))?.groups.includes(groupId) ? true : undefined),
    );
  }

  /**
   * Appends the group to the user's array without reading it first, and answers the user as the
   * write left it (Redash answers an append with the user), so a copy that was there already shows
   * as a second one for the caller to take out. After an ambiguous failure the user is read before
   * trying again, as in addMember. Redash answers 500 for an unknown user or group: then says which.
   */
  async appendMember(groupId: number, userId: number): Promise<RedashUser | 'no user' | 'no group'> {
    const user = await this.http.confirmedWrite<RedashUser | 'no user' | 'no group'>(
      // A membership is kept on the user: the shared group list (a parent path) does not change.
      () => this.http.post<RedashUser>(`/api/groups/${groupId}/members`, { user_id: userId }, { updateSharedRead: { path: '/api/groups', update: unchanged } }),
      async () => {
        const found = await this.getUser(userId);
        if (!found) return 'no user';
        if (found.groups.includes(groupId)) return found;
        return (await this.findGroup(groupId)) ? undefined : 'no group';
      },
    );
    if (typeof user === 'string' || Array.isArray(user?.groups)) return user;
    // An answer without the array (not what Redash sends): read the user instead.
    return (await this.getUser(userId)) ?? 'no user';
  }

  /** Takes copies of the group out of the user's array until one is left. */
  async keepOneMemberCopy(groupId: number, userId: number): Promise<void> {
    const copies = async () => (await this.getUser(userId))?.groups.filter((id) => id === groupId).length ?? 0;
    for (let present = await copies(); present > 1; present = await copies()) await this.removeMemberCopy(groupId, userId);
  }

  /** Takes one copy of the group out of the user's array (removing a non-member answers 500). */
  async removeMemberCopy(groupId: number, userId: number): Promise<void> {
    const copies = async () => (await this.getUser(userId))?.groups.filter((id) => id === groupId).length ?? 0;
    const before = await copies();
    if (before === 0) return;
    await this.http.confirmedWrite(
      () => this.http.delete(`/api/groups/${groupId}/members/${userId}`, { idempotent: false }),
      async () => ((await copies()) < before ? true : undefined),
    );
  }

  // --- data sources --------------------------------------------------------------------------

  async listDataSources(options: { fresh?: boolean } = {}): Promise<readonly RedashDataSource[]> {
    return this.read<RedashDataSource[]>('/api/data_sources', undefined, options.fresh);
  }

  /** Admin view with `options` (secrets masked) and `groups`; undefined when there is none. Shared unless fresh. */
  async getDataSource(id: number, options: { fresh?: boolean } = {}): Promise<RedashDataSource | undefined> {
    return this.http.getIfExists<RedashDataSource>(`/api/data_sources/${id}`, { shared: !options.fresh });
  }

  async dataSourceTypes(): Promise<readonly DataSourceType[]> {
    return this.read<DataSourceType[]>('/api/data_sources/types');
  }

  async createDataSource(body: { name: string; type: string; options: Record<string, unknown> }): Promise<RedashDataSource> {
    // Names are unique in Redash (400 on a second one) and the caller checked this one was free,
    // so after an ambiguous failure a data source with this name is the one this call created.
    return this.http.confirmedWrite(
      () => this.http.post<RedashDataSource>('/api/data_sources', body),
      async () => {
        const found = (await this.listDataSources({ fresh: true })).find((candidate) => candidate.name === body.name);
        return found ? await this.getDataSource(found.id, { fresh: true }) : undefined;
      },
    );
  }

  async updateDataSource(id: number, body: { name: string; type: string; options: Record<string, unknown> }): Promise<RedashDataSource> {
    // Redash reads all three keys unconditionally (a missing one is a 500), so all are sent.
    return this.http.post<RedashDataSource>(`/api/data_sources/${id}`, body, { idempotent: true });
  }

  async deleteDataSource(id: number): Promise<void> {
    try {
      await this.http.delete(`/api/data_sources/${id}`);
    } catch (error) {
      if (!(error instanceof VendorApiError && error.isNotFound)) throw error;
    }
  }

  /** Serializes checks and writes of one data source name (names are unique). */
  withDataSourceNameLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(`redash:data-source-name:${name}`, fn);
  }

  // --- group ↔ data source links -------------------------------------------------------------

  /**
   * The links of a group: its data sources with their view_only; undefined when the group is
   * gone. Redash answers 500 for this list when a pair is linked twice; then the data sources'
   * own `groups` maps, which collapse duplicates, answer instead (one read per data source).
   */
  async groupLinks(groupId: number, options: { fresh?: boolean } = {}): Promise<RedashLink[] | undefined> {
    try {
      const linked = await this.http.getIfExists<GroupDataSource[]>(`/api/groups/${groupId}/data_sources`, { shared: !options.fresh });
      return linked?.map((dataSource) => ({ dataSourceId: dataSource.id, viewOnly: dataSource.view_only === true }));
    } catch (error) {
      if (!(error instanceof VendorApiError && (error.status ?? 0) >= 500)) throw error;
      const links: RedashLink[] = [];
      for (const dataSource of await this.listDataSources({ fresh: true })) {
        const viewOnly = (await this.getDataSource(dataSource.id, { fresh: true }))?.groups?.[String(groupId)];
        if (viewOnly !== undefined) links.push({ dataSourceId: dataSource.id, viewOnly: viewOnly === true });
      }
      return links;
    }
  }

  /** The link as the data source's admin view records it (robust to duplicate link rows); undefined when unlinked or either side is gone. */
  async linkFromDataSource(groupId: number, dataSourceId: number): Promise<RedashLink | undefined> {
    const viewOnly = (await this.getDataSource(dataSourceId, { fresh: true }))?.groups?.[String(groupId)];
    return viewOnly === undefined ? undefined : { dataSourceId, viewOnly: viewOnly === true };
  }

  /** Attaches an unlinked pair (with full access: Redash takes no view_only here); a second attach would add a second row, so an ambiguous failure is checked, not retried blindly. */
  async attach(groupId: number, dataSourceId: number): Promise<void> {
    await this.http.confirmedWrite(
      () => this.http.post(`/api/groups/${groupId}/data_sources`, { data_source_id: dataSourceId }),
      async () => ((await this.linkFromDataSource(groupId, dataSourceId)) ? true : undefined),
    );
  }

  /** Changes view_only of a linked pair; repairs a pair linked twice (on which Redash's update fails with 500). */
  async setViewOnly(groupId: number, dataSourceId: number, viewOnly: boolean): Promise<void> {
    const path = `/api/groups/${groupId}/data_sources/${dataSourceId}`;
    try {
      await this.http.post(path, { view_only: viewOnly }, { idempotent: true });
    } catch (error) {
      if (!(error instanceof VendorApiError && (error.status ?? 0) >= 500)) throw error;
      // A 500 that outlived the retries: the pair is linked twice (or not at all). Delete every
      // row of the pair, attach once and set view_only again.
      if (!(await this.linkFromDataSource(groupId, dataSourceId))) throw error;
      await this.detach(groupId, dataSourceId);
      await this.attach(groupId, dataSourceId);
      if (viewOnly) await this.http.post(path, { view_only: true }, { idempotent: true });
    }
  }

  /** Removes every row of the pair (Redash's detach is idempotent); a gone group or data source is fine. */
  async detach(groupId: number, dataSourceId: number): Promise<void> {
    await this.http.confirmedWrite(
      // Unknown group or data source answer 500: no blind retries, the check below decides.
      () => this.http.delete(`/api/groups/${groupId}/data_sources/${dataSourceId}`, { idempotent: false }),
      async () => {
        if (!(await this.findGroup(groupId)) || !(await this.getDataSource(dataSourceId, { fresh: true }))) return true;
        return (await this.linkFromDataSource(groupId, dataSourceId)) ? undefined : true;
      },
    );
  }

  // --- dashboards and their ACL --------------------------------------------------------------

  /** A dashboard by numeric id (Redash v10+); undefined when there is none. */
  async getDashboard(id: number): Promise<RedashDashboard | undefined> {
    return this.http.getIfExists<RedashDashboard>(`/api/dashboards/${id}`);
  }

  /**
   * A dashboard by slug. v10+ looks the stored slug up with `?legacy` (and answers the slugified
   * current name as `slug`); ≤ v9 takes the slug as the path and ignores the flag. Both readings
   * are served by the same call; the list is the fallback for a slug that is only the current
   * name's (v10+ renamed dashboards).
   */
  async findDashboardBySlug(slug: string): Promise<RedashDashboard[]> {
    const direct = await this.http.getIfExists<RedashDashboard>(`/api/dashboards/${encodeURIComponent(slug)}`, { query: { legacy: '' } });
    if (direct) return [direct];
    return (await this.listDashboards()).filter((dashboard) => dashboard.slug === slug);
  }

  async listDashboards(q?: string): Promise<RedashDashboard[]> {
    const dashboards: RedashDashboard[] = [];
    for (let page = 1; ; page++) {
      const result = await this.read<Page<RedashDashboard>>('/api/dashboards', { page, page_size: PAGE_SIZE, q, order: 'created_at' });
      dashboards.push(...result.results);
      if (result.results.length === 0 || page * result.page_size >= result.count) return dashboards;
    }
  }

  /** Users holding a `modify` grant on the dashboard (once each); undefined when the dashboard does not exist. */
  async dashboardEditors(dashboardId: number, options: { fresh?: boolean } = {}): Promise<number[] | undefined> {
    const acl = await this.http.getIfExists<Record<string, RedashUser[]>>(`/api/dashboards/${dashboardId}/acl`, { shared: !options.fresh });
    return acl === undefined ? undefined : [...new Set((acl.modify ?? []).map((user) => user.id))];
  }

  /** Idempotent in Redash for the same grantor (this API key's user), so it is safe to repeat. */
  async grantDashboardEdit(dashboardId: number, userId: number): Promise<void> {
    await this.http.post(`/api/dashboards/${dashboardId}/acl`, { access_type: 'modify', user_id: userId }, { idempotent: true });
  }

  /** Revokes every `modify` grant of the user on the dashboard, whoever granted it. */
  async revokeDashboardEdit(dashboardId: number, userId: number): Promise<void> {
    await this.http.delete(`/api/dashboards/${dashboardId}/acl`, { body: { access_type: 'modify', user_id: userId } });
  }

  // --- plumbing ------------------------------------------------------------------------------

  /** A read shared within the process unless `fresh`; fresh reads asked for at once still share one that starts after each asked. */
  private read<T>(path: string, query?: Query, fresh = false): Promise<T> {
    return fresh ? this.http.freshGet<T>(path, query) : this.http.cachedGet<T>(path, query);
  }

  /** Redash limits user creates (200/day, 50/hour) and updates (50/hour) per client IP. */
  private async rateLimited<T>(what: 'create' | 'update', call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof VendorApiError && error.status === 429) {
        const limits = what === 'create' ? '200 per day and 50 per hour' : '50 per hour';
        throw new Error(
          `${error.message}\n\nRedash limits user ${what}s to ${limits} per client IP address (Flask-Limiter; REDASH_RATELIMIT_ENABLED on the server). ` +
            'Nothing was changed by this call: wait for the window to pass and apply again.',
        );
      }
      throw error;
    }
  }
}

function unchanged(list: unknown): unknown {
  return list;
}

/** The group list with a group just created (or changed) in it, once. */
function withGroup(list: unknown, answer: unknown): RedashGroup[] {
  const group = answer as RedashGroup;
  return [...(list as RedashGroup[]).filter((candidate) => candidate.id !== group.id), group];
}

/** One group ↔ data source link as the provider sees it. */
export interface RedashLink {
  dataSourceId: number;
  viewOnly: boolean;
}

/** The lock of a user's row: membership writes and user updates take it. */
export function userLock(userId: number): string {
  return `redash:user:${userId}`;
}

// ---------------------------------------------------------------------------------------------
// Ids: numbers in Redash, strings in Terraform.

/** The shape of a Redash id in import IDs. */
export const REDASH_ID: IdShape = { pattern: /^[1-9]\d*$/, description: 'a numeric Redash id', plural: 'numeric Redash ids', example: '12' };

/** Plan-time check of an id attribute (values known only at apply are checked then). */
export const redashIdValidator = matches(REDASH_ID.pattern, 'a numeric Redash id such as "12"');

/** Parses an id held in state or config; `attribute` names it in the error. */
export function parseId(value: unknown, attribute: string): number {
  const text = String(value ?? '');
  if (!REDASH_ID.pattern.test(text)) throw new AttributeError(attribute, `"${attribute}" must be a numeric Redash id such as "12", got "${text}".`);
  return Number(text);
}

/** A numeric import ID; anything else is malformed. */
export function importedId(id: string, what: string): number {
  const text = id.trim();
  if (!REDASH_ID.pattern.test(text)) throw new ImportIdError(`Expected a numeric Redash ${what} id, got "${id}".`);
  return Number(text);
}
