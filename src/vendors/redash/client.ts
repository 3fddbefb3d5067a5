// Typed calls to the Redash API (reference: vendor-apis.md §1) and the quirks every resource
// relies on: pagination, natural-key lookups, 500 answered for unknown ids, writes that are not
// idempotent, whole-array membership writes, and 404 answered for a wrong API key.
import { AttributeError, ImportIdError } from '../../framework/definitions';
import { VendorApiError, type Query, type VendorHttpClient } from '../../framework/http';
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

/** The API key was refused. Not a VendorApiError on purpose: a 404 on read would mean "gone". */
export class RedashAuthenticationError extends Error {}

// ---------------------------------------------------------------------------------------------

export class RedashApi {
  constructor(readonly http: VendorHttpClient) {}

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
      const result = await this.collection<Page<ListedUser>>('/api/users', query, options.fresh);
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

  /** A user by id, fresh, with the raw group array (duplicates included); undefined on 404. */
  async getUser(id: number): Promise<RedashUser | undefined> {
    return this.getOrUndefined<RedashUser>(`/api/users/${id}`);
  }

  /**
   * Users whose email equals `email` ignoring case, disabled ones included. Redash's `q` matches
   * the email case-sensitively as a substring, and lower-cases emails only at creation, so the
   * search runs with the email as given and lower-cased.
   */
  async findUsersByEmail(email: string): Promise<ListedUser[]> {
    const wanted = email.toLowerCase();
    const terms = [...new Set([email, wanted])];
    const found = new Map<number, ListedUser>();
    for (const disabled of [false, true]) {
      for (const q of terms) {
        for (const user of await this.listUsers(disabled, { fresh: true, q })) {
          if (user.email.toLowerCase() === wanted) found.set(user.id, user);
        }
      }
    }
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  /** `POST /api/users`: an invitation (pending user in the `default` group). */
  async createUser(name: string, email: string, sendInvite: boolean): Promise<RedashUser> {
    return this.rateLimited('create', () =>
      this.writeConfirmed(
        // `no_invite` counts by its presence only; without it Redash e-mails the invitation.
        () => this.post<RedashUser>('/api/users', { name, email }, sendInvite ? undefined : { no_invite: 1 }),
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
    return this.rateLimited('update', () => this.post<RedashUser>(`/api/users/${id}`, changes, undefined, { idempotent: true }));
  }

  async setUserDisabled(id: number, disabled: boolean): Promise<void> {
    const path = `/api/users/${id}/disable`;
    if (disabled) await this.post(path, undefined, undefined, { idempotent: true });
    else await this.request('DELETE', path);
  }

  /** (Re)sends the invitation e-mail of a pending user. */
  async sendInvitation(id: number): Promise<void> {
    await this.post(`/api/users/${id}/invite`, undefined, undefined, { idempotent: true });
  }

  /** Deletes a pending invitation. Redash refuses (403) to delete a user who has activated. */
  async deleteUser(id: number): Promise<void> {
    await this.writeConfirmed(
      () => this.request('DELETE', `/api/users/${id}`, { idempotent: false }),
      // Unknown ids answer 500: after a failed attempt, the user being gone means it worked.
      async () => ((await this.getUser(id)) === undefined ? true : undefined),
    );
  }

  // --- groups --------------------------------------------------------------------------------

  /** `GET /api/groups` (not paginated; an admin sees all). Shared unless `fresh`. */
  async listGroups(options: { fresh?: boolean } = {}): Promise<readonly RedashGroup[]> {
    return this.collection<RedashGroup[]>('/api/groups', undefined, options.fresh);
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
    return this.writeConfirmed(
      () => this.post<RedashGroup>('/api/groups', { name }),
      async () => (await this.listGroups({ fresh: true })).filter((group) => group.name === name).sort((a, b) => a.id - b.id)[0],
    );
  }

  async renameGroup(id: number, name: string): Promise<RedashGroup> {
    return this.post<RedashGroup>(`/api/groups/${id}`, { name }, undefined, { idempotent: true });
  }

  async deleteGroup(id: number): Promise<void> {
    try {
      await this.writeConfirmed(
        () => this.request('DELETE', `/api/groups/${id}`, { idempotent: false }),
        async () => ((await this.listGroups({ fresh: true })).some((group) => group.id === id) ? undefined : true),
      );
    } finally {
      // Deleting a group strips its id from every member and drops its data source links.
      this.http.invalidate('/api/users');
      this.http.invalidate('/api/data_sources');
    }
  }

  // --- memberships (stored on the user's `groups` array) -------------------------------------

  /**
   * Adds the user to the group unless already there. Redash appends blindly (a second add
   * stores the id twice) and rewrites the whole array, so this reads and writes under the
   * user's lock: parallel memberships of one user neither duplicate nor lose each other.
   */
  async addMember(groupId: number, userId: number): Promise<void> {
    await this.withUserLock(userId, async () => {
      const user = await this.getUser(userId);
      if (!user) throw new AttributeError('user_id', `Redash has no user with id ${userId}.`);
      if (user.groups.includes(groupId)) return;
      await this.writeConfirmed(
        () => this.post(`/api/groups/${groupId}/members`, { user_id: userId }),
        async () => ((await this.getUser(userId))?.groups.includes(groupId) ? true : undefined),
      );
    });
  }

  /**
   * Removes every copy of the group from the user's array. Removing a non-member answers 500,
   * and one DELETE takes out one copy, so each call is preceded by a fresh read.
   */
  async removeMember(groupId: number, userId: number): Promise<void> {
    await this.withUserLock(userId, async () => {
      for (;;) {
        const before = await this.getUser(userId);
        const copies = before?.groups.filter((id) => id === groupId).length ?? 0;
        if (copies === 0) return;
        await this.writeConfirmed(
          () => this.request('DELETE', `/api/groups/${groupId}/members/${userId}`, { idempotent: false }),
          async () => ((await this.getUser(userId))?.groups.filter((id) => id === groupId).length ?? 0) < copies ? true : undefined,
        );
      }
    });
  }

  /** Serializes writes to one user's row (its group array above all); drops the cached user reads. */
  async withUserLock<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    return this.http.withLock(`redash:user:${userId}`, async () => {
      try {
        return await fn();
      } finally {
        // A member POST/DELETE goes to /api/groups/…, but it is the user that changed.
        this.http.invalidate('/api/users');
      }
    });
  }

  // --- data sources --------------------------------------------------------------------------

  async listDataSources(options: { fresh?: boolean } = {}): Promise<readonly RedashDataSource[]> {
    return this.collection<RedashDataSource[]>('/api/data_sources', undefined, options.fresh);
  }

  /** Admin view with `options` (secrets masked) and `groups`; undefined on 404. Shared unless fresh. */
  async getDataSource(id: number, options: { fresh?: boolean } = {}): Promise<RedashDataSource | undefined> {
    return this.getOrUndefined<RedashDataSource>(`/api/data_sources/${id}`, undefined, !options.fresh);
  }

  async dataSourceTypes(): Promise<readonly DataSourceType[]> {
    return this.collection<DataSourceType[]>('/api/data_sources/types');
  }

  async createDataSource(body: { name: string; type: string; options: Record<string, unknown> }): Promise<RedashDataSource> {
    // Names are unique in Redash (400 on a second one) and the caller checked this one was free,
    // so after an ambiguous failure a data source with this name is the one this call created.
    try {
      return await this.writeConfirmed(
        () => this.post<RedashDataSource>('/api/data_sources', body),
        async () => {
          const found = (await this.listDataSources({ fresh: true })).find((candidate) => candidate.name === body.name);
          return found ? await this.getDataSource(found.id, { fresh: true }) : undefined;
        },
      );
    } finally {
      // Redash links every new data source to the `default` group.
      this.http.invalidate('/api/groups');
    }
  }

  async updateDataSource(id: number, body: { name: string; type: string; options: Record<string, unknown> }): Promise<RedashDataSource> {
    // Redash reads all three keys unconditionally (a missing one is a 500), so all are sent.
    return this.post<RedashDataSource>(`/api/data_sources/${id}`, body, undefined, { idempotent: true });
  }

  async deleteDataSource(id: number): Promise<void> {
    try {
      await this.request('DELETE', `/api/data_sources/${id}`);
    } catch (error) {
      if (!(error instanceof VendorApiError && error.status === 404)) throw error;
    } finally {
      this.http.invalidate('/api/groups'); // its group links went with it
    }
  }

  // --- group ↔ data source links -------------------------------------------------------------

  /**
   * The link between a group and a data source: undefined when absent, else its view_only.
   * Reads the group's list (shared: one call for every link of the group). Redash answers 500 for
   * that list when a pair is linked twice; then the data source's own `groups` map, which
   * collapses duplicates, answers instead. A 404 (unknown group) propagates.
   */
  async findLink(groupId: number, dataSourceId: number, options: { fresh?: boolean } = {}): Promise<{ viewOnly: boolean } | undefined> {
    const path = `/api/groups/${groupId}/data_sources`;
    let linked: readonly GroupDataSource[];
    try {
      const found = await this.getOrUndefined<GroupDataSource[]>(path, undefined, !options.fresh);
      if (found === undefined) return undefined; // no such group (404), hence no link
      linked = found;
    } catch (error) {
      if (!(error instanceof VendorApiError && (error.status ?? 0) >= 500)) throw error;
      return this.findLinkFromDataSource(groupId, dataSourceId);
    }
    const found = linked.find((dataSource) => dataSource.id === dataSourceId);
    return found ? { viewOnly: found.view_only === true } : undefined;
  }

  /** The link as the data source's admin view records it; robust to duplicate link rows. */
  async findLinkFromDataSource(groupId: number, dataSourceId: number): Promise<{ viewOnly: boolean } | undefined> {
    const dataSource = await this.getDataSource(dataSourceId, { fresh: true });
    const viewOnly = dataSource?.groups?.[String(groupId)];
    return viewOnly === undefined ? undefined : { viewOnly: viewOnly === true };
  }

  /**
   * Makes the pair linked exactly once with the given view_only. Attach always creates a row
   * with full access (`view_only: false`) and a second attach a second row, so this checks
   * first, attaches once, then sets view_only. If setting view_only fails after this call
   * attached, the link is removed again: a group must never be left with more access than asked.
   */
  async ensureLink(groupId: number, dataSourceId: number, viewOnly: boolean): Promise<void> {
    await this.http.withLock(linkLock(groupId, dataSourceId), async () => {
      try {
        const existing = await this.findLink(groupId, dataSourceId, { fresh: true });
        let attachedNow = false;
        if (!existing) {
          await this.attachOnce(groupId, dataSourceId);
          attachedNow = true;
        }
        const current = existing?.viewOnly ?? false;
        if (current === viewOnly) return;
        try {
          await this.setLinkViewOnly(groupId, dataSourceId, viewOnly);
        } catch (error) {
          if (attachedNow) await this.detach(groupId, dataSourceId).catch(() => undefined);
          throw error;
        }
      } finally {
        this.http.invalidate(`/api/data_sources/${dataSourceId}`);
      }
    });
  }

  /** Attaches an unlinked pair (full access); a second attach would add a second row, so an ambiguous failure is checked, not retried blindly. */
  private async attachOnce(groupId: number, dataSourceId: number): Promise<void> {
    await this.writeConfirmed(
      () => this.post(`/api/groups/${groupId}/data_sources`, { data_source_id: dataSourceId }),
      async () => ((await this.findLink(groupId, dataSourceId, { fresh: true })) ? true : undefined),
    );
  }

  /** Changes view_only of an existing link; repairs a pair linked twice (on which Redash's update fails). */
  async setLinkViewOnly(groupId: number, dataSourceId: number, viewOnly: boolean): Promise<void> {
    const path = `/api/groups/${groupId}/data_sources/${dataSourceId}`;
    try {
      await this.post(path, { view_only: viewOnly }, undefined, { idempotent: true });
    } catch (error) {
      if (!(error instanceof VendorApiError && (error.status ?? 0) >= 500)) throw error;
      // A 500 that outlived the retries: the pair is linked twice (or not at all). Delete every
      // row of the pair, attach once and set view_only again.
      const link = await this.findLinkFromDataSource(groupId, dataSourceId);
      if (!link) throw error;
      await this.detach(groupId, dataSourceId);
      await this.attachOnce(groupId, dataSourceId);
      if (viewOnly) await this.post(path, { view_only: true }, undefined, { idempotent: true });
    } finally {
      this.http.invalidate(`/api/data_sources/${dataSourceId}`);
    }
  }

  /** Removes every row of the pair (Redash's detach is idempotent); a gone group or data source is fine. */
  async detachLink(groupId: number, dataSourceId: number): Promise<void> {
    await this.http.withLock(linkLock(groupId, dataSourceId), () => this.detach(groupId, dataSourceId));
  }

  private async detach(groupId: number, dataSourceId: number): Promise<void> {
    try {
      await this.writeConfirmed(
        // Unknown group or data source answer 500: no blind retries, the check below decides.
        () => this.request('DELETE', `/api/groups/${groupId}/data_sources/${dataSourceId}`, { idempotent: false }),
        async () => {
          if (!(await this.findGroup(groupId)) || !(await this.getDataSource(dataSourceId, { fresh: true }))) return true;
          return (await this.findLinkFromDataSource(groupId, dataSourceId)) ? undefined : true;
        },
      );
    } finally {
      this.http.invalidate(`/api/data_sources/${dataSourceId}`);
    }
  }

  // --- dashboards and their ACL --------------------------------------------------------------

  /** A dashboard by numeric id (Redash v10+); undefined on 404. */
  async getDashboard(id: number): Promise<RedashDashboard | undefined> {
    return this.getOrUndefined<RedashDashboard>(`/api/dashboards/${id}`);
  }

  /**
   * A dashboard by slug. v10+ looks the stored slug up with `?legacy` (and answers the slugified
   * current name as `slug`); ≤ v9 takes the slug as the path and ignores the flag. Both readings
   * are served by the same call; the list is the fallback for a slug that is only the current
   * name's (v10+ renamed dashboards).
   */
  async findDashboardBySlug(slug: string): Promise<RedashDashboard[]> {
    const direct = await this.getOrUndefined<RedashDashboard>(`/api/dashboards/${encodeURIComponent(slug)}`, { legacy: '' });
    if (direct) return [direct];
    return (await this.listDashboards()).filter((dashboard) => dashboard.slug === slug);
  }

  async listDashboards(q?: string): Promise<RedashDashboard[]> {
    const dashboards: RedashDashboard[] = [];
    for (let page = 1; ; page++) {
      const result = await this.collection<Page<RedashDashboard>>('/api/dashboards', { page, page_size: PAGE_SIZE, q, order: 'created_at' });
      dashboards.push(...result.results);
      if (result.results.length === 0 || page * result.page_size >= result.count) return dashboards;
    }
  }

  /** Users holding a `modify` grant on the dashboard; undefined when the dashboard does not exist. */
  async dashboardEditors(dashboardId: number, options: { fresh?: boolean } = {}): Promise<number[] | undefined> {
    const acl = await this.getOrUndefined<Record<string, RedashUser[]>>(`/api/dashboards/${dashboardId}/acl`, undefined, !options.fresh);
    return acl === undefined ? undefined : (acl.modify ?? []).map((user) => user.id);
  }

  /** Idempotent in Redash for the same grantor (this API key's user), so it is safe to repeat. */
  async grantDashboardEdit(dashboardId: number, userId: number): Promise<void> {
    await this.post(`/api/dashboards/${dashboardId}/acl`, { access_type: 'modify', user_id: userId }, undefined, { idempotent: true });
  }

  /** Revokes every `modify` grant of the user on the dashboard, whoever granted it. */
  async revokeDashboardEdit(dashboardId: number, userId: number): Promise<void> {
    await this.request('DELETE', `/api/dashboards/${dashboardId}/acl`, { body: { access_type: 'modify', user_id: userId } });
  }

  // --- plumbing ------------------------------------------------------------------------------

  /**
   * A single object, undefined when Redash answers 404. Before a 404 is believed, a collection
   * every Redash serves is read (shared, so once per run): if that fails too, the URL is wrong
   * and the error says so, instead of every object of the plan looking deleted.
   */
  private async getOrUndefined<T>(path: string, query?: Query, cached = false): Promise<T | undefined> {
    try {
      return cached ? await this.cachedGet<T>(path, query) : await this.get<T>(path, query);
    } catch (error) {
      if (!(error instanceof VendorApiError && error.status === 404)) throw error;
      await this.listGroups();
      return undefined;
    }
  }

  private get<T>(path: string, query?: Query): Promise<T> {
    return this.checked(() => this.http.get<T>(path, { query }));
  }

  /**
   * A collection every Redash has. A 404 for it means the URL does not point at Redash's API:
   * reported as such, since a VendorApiError 404 from a read would mean "the object is gone".
   */
  private async collection<T>(path: string, query?: Query, fresh = false): Promise<T> {
    try {
      return fresh ? await this.get<T>(path, query) : await this.cachedGet<T>(path, query);
    } catch (error) {
      if (error instanceof VendorApiError && error.status === 404) {
        throw new Error(`${error.message}\n\nEvery Redash serves ${path}: check redash.url (REDASH_URL); on a multi-org server it ends with the org slug.`);
      }
      throw error;
    }
  }

  private cachedGet<T>(path: string, query?: Query): Promise<T> {
    return this.checked(() => this.http.cachedGet<T>(path, query));
  }

  private post<T = unknown>(path: string, body: unknown, query?: Query, options: { idempotent?: boolean } = {}): Promise<T> {
    return this.checked(() => this.http.post<T>(path, body, { query, idempotent: options.idempotent }));
  }

  private request<T = unknown>(method: 'DELETE', path: string, options: { body?: unknown; idempotent?: boolean } = {}): Promise<T> {
    return this.checked(() => this.http.request<T>(method, path, options));
  }

  /** Turns Redash's "404 Please login" into an authentication error, so it never reads as "gone". */
  private async checked<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof VendorApiError && error.status === 404 && LOGIN_MESSAGE.test(error.vendorMessage ?? '')) {
        throw new RedashAuthenticationError(
          `Redash refused the API key (${error.method} ${error.path} answered 404 "${error.vendorMessage}"). ` +
            'Check redash.api_key (or REDASH_API_KEY): it must be the API key of an enabled Redash admin user, and redash.url (REDASH_URL) must point at that Redash (with the org slug on multi-org servers).',
        );
      }
      throw error;
    }
  }

  /**
   * A write that Redash may have applied even though the answer was a 5xx or the connection
   * broke. After such a failure `applied()` looks at Redash: a value means the write took effect
   * (it is returned), undefined means it did not and the write is sent again, a bounded number of
   * times. Answers below 500 are final. This is how creates never duplicate.
   */
  private async writeConfirmed<T>(write: () => Promise<T>, applied: () => Promise<T | undefined>, maxAttempts = 6): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        const ambiguous = error instanceof VendorApiError && (error.status === undefined || error.status >= 500);
        if (!ambiguous) throw error;
        const result = await applied();
        if (result !== undefined) return result;
        if (attempt >= maxAttempts) throw error;
        await sleep(Math.random() * Math.min(5000, 200 * 2 ** (attempt - 1)));
      }
    }
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

function linkLock(groupId: number, dataSourceId: number): string {
  return `redash:link:${groupId}:${dataSourceId}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Ids: numbers in Redash, strings in Terraform.

/** Plan-time check of an id attribute (values known only at apply are checked then). */
export const redashIdValidator = matches(/^[1-9]\d*$/, 'a numeric Redash id such as "12"');

/** Parses an id held in state or config; `attribute` names it in the error. */
export function parseId(value: unknown, attribute: string): number {
  const text = String(value ?? '');
  if (!/^[1-9]\d*$/.test(text)) throw new AttributeError(attribute, `"${attribute}" must be a numeric Redash id such as "12", got "${text}".`);
  return Number(text);
}

/** A numeric import ID; anything else is malformed. */
export function importedId(id: string, what: string): number {
  const text = id.trim();
  if (!/^[1-9]\d*$/.test(text)) throw new ImportIdError(`Expected a numeric Redash ${what} id, got "${id}".`);
  return Number(text);
}

/** A composite import ID such as `group_id/user_id`: two positive whole numbers. */
export function importedIdPair(id: string, format: string): [number, number] {
  const match = /^([1-9]\d*)\/([1-9]\d*)$/.exec(id.trim());
  if (!match) throw new ImportIdError(`Expected an import ID of the form "${format}" with numeric Redash ids (e.g. "3/12"), got "${id}".`);
  return [Number(match[1]), Number(match[2])];
}
