// A Redash API emulator faithful to the behaviour the provider depends on: API-key auth
// answering 404 when refused, users (pending / active / disabled, pagination, search), groups with the built-ins, membership stored on the user without
// de-duplication, group ↔ data source links that duplicate, dashboards and their ACL, 500 for
// unknown ids where Redash has no 404, and the per-IP rate limit on user creates and updates.
import { createHash, randomBytes } from 'node:crypto';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../emulator/base';
import type { RunnableEmulator } from '../../emulator/runnable';

// ---------------------------------------------------------------------------------------------
// Stored state (JSON-serializable: it is persisted to the state file)

export interface StoredUser {
  id: number;
  name: string;
  email: string;
  /** Raw group ids: a blind append, duplicates possible, as Redash stores them. */
  groups: number[];
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  active_at: string | null;
  is_invitation_pending: boolean;
  has_password: boolean;
  api_key: string;
}

export interface StoredGroup {
  id: number;
  name: string;
  permissions: string[];
  type: 'builtin' | 'regular';
  created_at: string;
}

export interface StoredDataSource {
  id: number;
  name: string;
  type: string;
  options: Record<string, unknown>;
  created_at: string;
}

/** A DataSourceGroup row; Redash lets the same pair exist twice. */
export interface StoredLink {
  id: number;
  group_id: number;
  data_source_id: number;
  view_only: boolean;
}

export interface StoredDashboard {
  id: number;
  name: string;
  /** The stored slug column (what `?legacy` looks up); responses show the slugified current name. */
  slug: string;
  user_id: number;
  created_at: string;
  updated_at: string;
  version: number;
  is_archived: boolean;
  is_draft: boolean;
  tags: string[];
  dashboard_filters_enabled: boolean;
}

export interface StoredPermission {
  id: number;
  object_type: 'dashboards' | 'queries';
  object_id: number;
  access_type: string;
  grantor_id: number;
  grantee_id: number;
}

export interface RedashEmulatorState {
  users: StoredUser[];
  groups: StoredGroup[];
  dataSources: StoredDataSource[];
  links: StoredLink[];
  dashboards: StoredDashboard[];
  permissions: StoredPermission[];
  /** Invitation e-mails "sent" (the emulated server has mail configured). */
  outbox: Array<{ to: string; user_id: number; at: string }>;
  nextId: { user: number; group: number; dataSource: number; link: number; dashboard: number; permission: number };
}

/** One Flask-Limiter limit, e.g. `{ count: 50, perSeconds: 3600 }` for "50 per 1 hour". */
export interface RateLimit {
  count: number;
  perSeconds: number;
}

export interface UserRateLimits {
  /** `POST /api/users`. Redash: 200 per day and 50 per hour. */
  create: RateLimit[];
  /** `POST /api/users/<id>`. Redash: 50 per hour. */
  update: RateLimit[];
  /**
   * Whether 429s carry Retry-After. Redash leaves Flask-Limiter's headers off by default, so
   * the default is false [inf]; a proxy or a setting may add it.
   */
  retryAfterHeader: boolean;
}

export const REDASH_ADMIN_API_KEY = 'redashEmulatorAdminKey0123456789abcdefAB';
export const REDASH_ADMIN_EMAIL = 'admin@example.com';

const DEFAULT_PERMISSIONS = [
  'create_dashboard',
  'create_query',
  'edit_dashboard',
  'edit_query',
  'view_query',
  'view_source',
  'execute_query',
  'list_users',
  'schedule_query',
  'list_dashboards',
  'list_alerts',
  'list_data_sources',
];
const SECRET_PLACEHOLDER = '--------';
const ACCESS_TYPES = ['view', 'modify', 'delete'];
const HOUR = 3600;
const DEFAULT_RATE_LIMITS: UserRateLimits = {
  create: [
    { count: 200, perSeconds: 24 * HOUR },
    { count: 50, perSeconds: HOUR },
  ],
  update: [{ count: 50, perSeconds: HOUR }],
  retryAfterHeader: false,
};

const MESSAGES = {
  login: "Couldn't find resource. Please login and try again.",
  400: 'The browser (or proxy) sent a request that this server could not understand.',
  403: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  500: 'Internal Server Error',
  415: "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
};

/** The query runners this emulator knows, with the parts of their configuration schema Redash validates. */
const DATA_SOURCE_TYPES = [
  runner('pg', 'PostgreSQL', { user: 'string', password: 'string', host: 'string', port: 'number', dbname: 'string', sslmode: 'string' }, ['dbname'], ['password']),
  runner('mysql', 'MySQL', { host: 'string', user: 'string', passwd: 'string', db: 'string', port: 'number', use_ssl: 'boolean' }, ['db'], ['passwd']),
  runner('bigquery', 'BigQuery', { projectId: 'string', jsonKeyFile: 'string', loadSchema: 'boolean', totalMBytesProcessedLimit: 'number' }, ['projectId'], ['jsonKeyFile']),
  runner('url', 'URL', { url: 'string' }, [], []),
];

type Reply = EmulatorResponse;

export class RedashEmulator extends Emulator<RedashEmulatorState> implements RunnableEmulator {
  /** API key of the built-in admin user (id 1). */
  readonly apiKey: string;
  private readonly callers = new WeakMap<EmulatorRequest, StoredUser>();
  private rateLimits: UserRateLimits | null = structuredClone(DEFAULT_RATE_LIMITS);
  /** Arrival times of rate-limited requests, per endpoint (one client IP: everything is local). */
  private readonly limiterHits: { create: number[]; update: number[] } = { create: [], update: [] };

  constructor(options: { stateFile?: string; apiKey?: string } = {}) {
    super({ name: 'redash', stateFile: options.stateFile });
    this.apiKey = options.apiKey ?? REDASH_ADMIN_API_KEY;
    this.registerUserRoutes();
    this.registerGroupRoutes();
    this.registerDataSourceRoutes();
    this.registerDashboardRoutes();
    this.registerAclRoutes();
  }

  connectionEnvironment(): Record<string, string> {
    return { REDASH_URL: this.url, REDASH_API_KEY: this.apiKey };
  }

  /** What exists, as an administrator would summarise it (the demo prints this). */
  describeContents(): string[] {
    const { users, groups, dataSources, links, dashboards, permissions } = this.state;
    const userEmail = (id: number) => users.find((user) => user.id === id)?.email ?? `user ${id}`;
    const groupName = (id: number) => groups.find((group) => group.id === id)?.name ?? `group ${id}`;
    const status = (user: StoredUser) => (user.disabled_at ? 'disabled' : user.is_invitation_pending ? 'invitation pending' : 'active');
    return [
      ...users.map((user) => `user ${user.email} (${user.name}, ${status(user)}) in ${user.groups.map(groupName).join(', ') || 'no group'}`),
      ...groups.map((group) => `group ${group.name}${group.type === 'builtin' ? ' (built-in)' : ''}`),
      ...dataSources.map((dataSource) => {
        const access = links
          .filter((link) => link.data_source_id === dataSource.id)
          .map((link) => `${groupName(link.group_id)} ${link.view_only ? 'view only' : 'full access'}`);
        return `data source ${dataSource.name} (${dataSource.type}): ${access.join(', ') || 'no group'}`;
      }),
      ...dashboards.map((dashboard) => {
        const grantees = permissions
          .filter((permission) => permission.object_type === 'dashboards' && permission.object_id === dashboard.id)
          .map((permission) => userEmail(permission.grantee_id));
        return `dashboard "${dashboard.name}" shared with ${grantees.join(', ') || 'nobody'}`;
      }),
    ];
  }

  /** Replaces the per-IP limits on user creates/updates (see UserRateLimits); null turns them off. */
  setUserRateLimits(limits: Partial<UserRateLimits> | null): void {
    this.rateLimits = limits === null ? null : { ...structuredClone(DEFAULT_RATE_LIMITS), ...limits };
    this.limiterHits.create.length = 0;
    this.limiterHits.update.length = 0;
  }

  /** What happens when the invitee follows the invitation link and sets a password. */
  activateUser(id: number): void {
    const user = this.state.users.find((candidate) => candidate.id === id);
    if (!user) throw new Error(`redash emulator: no user ${id}`);
    user.is_invitation_pending = false;
    user.has_password = true;
    user.active_at = now();
    user.updated_at = now();
  }

  protected initialState(): RedashEmulatorState {
    const at = now();
    return {
      // A fresh install: admin (1) and default (2) groups, and the admin user who set Redash up.
      groups: [
        { id: 1, name: 'admin', permissions: ['admin', 'super_admin'], type: 'builtin', created_at: at },
        { id: 2, name: 'default', permissions: [...DEFAULT_PERMISSIONS], type: 'builtin', created_at: at },
      ],
      users: [
        {
          id: 1,
          name: 'Admin',
          email: REDASH_ADMIN_EMAIL,
          groups: [1, 2],
          created_at: at,
          updated_at: at,
          disabled_at: null,
          active_at: at,
          is_invitation_pending: false,
          has_password: true,
          api_key: this.apiKey,
        },
      ],
      dataSources: [],
      links: [],
      dashboards: [],
      permissions: [],
      outbox: [],
      nextId: { user: 2, group: 3, dataSource: 1, link: 1, dashboard: 1, permission: 1 },
    };
  }

  // --- auth and errors -----------------------------------------------------------------------

  protected authenticate(request: EmulatorRequest): EmulatorResponse | undefined {
    // Redash's loader: `api_key` query parameter first, else the Authorization header with the
    // first "Key " removed (any other scheme is then just a wrong key).
    const header = request.headers.authorization;
    const key = request.query.get('api_key') ?? (typeof header === 'string' ? header.replace('Key ', '') : undefined);
    const caller = key ? this.state.users.find((user) => user.api_key === key && user.disabled_at === null) : undefined;
    if (!caller) return request.path.includes('/api/') ? { status: 404, body: { message: MESSAGES.login } } : { status: 302, headers: { Location: '/login' } };
    this.callers.set(request, caller);
    return undefined;
  }

  protected notFound(): EmulatorResponse {
    return fail(404);
  }

  private caller(request: EmulatorRequest): StoredUser {
    return this.callers.get(request)!;
  }

  private permissionsOf(user: StoredUser): Set<string> {
    const permissions = new Set<string>();
    for (const group of this.state.groups) if (user.groups.includes(group.id)) for (const permission of group.permissions) permissions.add(permission);
    return permissions;
  }

  private isAdmin(user: StoredUser): boolean {
    return this.permissionsOf(user).has('admin');
  }

  /** Runs the handler when the caller has the permission (admins have all), else 403. */
  private allowed(request: EmulatorRequest, permission: string, handler: () => Reply): Reply {
    const permissions = this.permissionsOf(this.caller(request));
    return permissions.has('admin') || permissions.has(permission) ? handler() : fail(403);
  }

  private adminOnly(request: EmulatorRequest, handler: () => Reply): Reply {
    return this.isAdmin(this.caller(request)) ? handler() : fail(403);
  }

  /** Flask-Limiter keyed on the client IP; counted before the handler runs, whatever it answers. */
  private limited(kind: 'create' | 'update', handler: () => Reply): Reply {
    const limits = this.rateLimits?.[kind] ?? [];
    const hits = this.limiterHits[kind];
    const at = Date.now();
    for (const limit of limits) {
      const windowStart = at - limit.perSeconds * 1000;
      const inWindow = hits.filter((hit) => hit > windowStart);
      if (inWindow.length >= limit.count) {
        const retryAfter = Math.max(1, Math.ceil((inWindow[0] + limit.perSeconds * 1000 - at) / 1000));
        const headers: Record<string, string> = this.rateLimits?.retryAfterHeader ? { 'Retry-After': String(retryAfter) } : {};
        return { status: 429, body: { message: describeLimit(limit) }, headers };
      }
    }
    const longest = Math.max(0, ...limits.map((limit) => limit.perSeconds));
    hits.push(at);
    while (hits.length > 0 && hits[0] <= at - longest * 1000) hits.shift();
    return handler();
  }

  // --- users ---------------------------------------------------------------------------------

  private registerUserRoutes(): void {
    this.route('GET', '/api/users', (request) =>
      this.allowed(request, 'list_users', () => {
        const disabled = parseBoolean(request.query.get('disabled') ?? 'false');
        const pending = request.query.get('pending');
        const q = request.query.get('q');
        let users = this.state.users.filter((user) => (user.disabled_at !== null) === disabled);
        if (pending !== null) users = users.filter((user) => user.is_invitation_pending === parseBoolean(pending));
        if (q) users = users.filter((user) => user.name.toLowerCase().includes(q.toLowerCase()) || user.email.includes(q));
        const order = request.query.get('order') ?? (q ? null : '-created_at');
        users = sortBy(users, order, {
          name: (user) => user.name.toLowerCase(),
          created_at: (user) => user.created_at,
          active_at: (user) => user.active_at ?? '',
          groups: (user) => new Set(user.groups).size,
        });
        return paginate(request, users, (user) => this.listedUser(user, this.caller(request)));
      }),
    );

    this.route('GET', '/api/users/:id', (request) => {
      const caller = this.caller(request);
      const user = this.userById(request.params.id);
      if (!(this.permissionsOf(caller).has('list_users') || this.isAdmin(caller) || user?.id === caller.id)) return fail(403);
      return user ? ok(this.userDict(user, caller)) : fail(404); // get_object_or_404
    });

    this.route('POST', '/api/users', (request) =>
      this.adminOnly(request, () =>
        this.limited('create', () => {
          const body = forcedJson(request);
          if (typeof body?.name !== 'string' || typeof body?.email !== 'string' || body.name === '' || body.email === '') return fail(400);
          if (!validEmail(body.email)) return fail(400, 'Bad email address.');
          const email = body.email.toLowerCase(); // lower-cased only when the row is first built
          if (this.state.users.some((user) => user.email === email)) return fail(400, 'Email already taken.');
          const at = now();
          const defaultGroup = this.state.groups.find((group) => group.type === 'builtin' && group.name === 'default')!;
          const user: StoredUser = {
            id: this.state.nextId.user++,
            name: body.name,
            email,
            groups: [defaultGroup.id],
            created_at: at,
            updated_at: at,
            disabled_at: null,
            active_at: null,
            is_invitation_pending: true,
            has_password: false,
            api_key: randomBytes(20).toString('hex'),
          };
          this.state.users.push(user);
          const noInvite = request.query.has('no_invite');
          if (!noInvite) this.state.outbox.push({ to: user.email, user_id: user.id, at });
          const result: Record<string, unknown> = this.userDict(user, this.caller(request));
          // Mail is configured here, so the link is only returned when no e-mail was sent.
          if (noInvite) result.invite_link = inviteLink(user);
          return ok(result);
        }),
      ),
    );

    this.route('POST', '/api/users/:id', (request) =>
      this.limited('update', () => {
        const caller = this.caller(request);
        const user = this.userById(request.params.id);
        if (!user) return fail(500); // get_by_id_and_org(...).one()
        if (!(this.isAdmin(caller) || caller.id === user.id)) return fail(403, "You don't have permission to edit this resource.");
        const body = forcedJson(request) ?? {};
        if ('group_ids' in body && !this.isAdmin(caller)) return fail(403, 'Must be admin to change groups membership.');
        const changes: Partial<StoredUser> = {};
        if (typeof body.name === 'string') changes.name = body.name;
        if (typeof body.email === 'string') {
          if (!validEmail(body.email)) return fail(400, 'Bad email address.');
          if (this.state.users.some((other) => other.id !== user.id && other.email === body.email)) return fail(400, 'Email already taken.');
          changes.email = body.email; // stored as given on update
        }
        if (Array.isArray(body.group_ids) && body.group_ids.length > 0) {
          // An empty list is dropped silently: nobody can be removed from every group this way.
          for (const groupId of body.group_ids) {
            if (!this.state.groups.some((group) => group.id === Number(groupId))) return fail(400, `Group id ${groupId} is invalid.`);
          }
          changes.groups = body.group_ids.map(Number);
        }
        Object.assign(user, changes, { updated_at: now() });
        return ok(this.userDict(user, caller));
      }),
    );

    this.route('POST', '/api/users/:id/disable', (request) =>
      this.adminOnly(request, () => {
        const user = this.userById(request.params.id);
        if (!user) return fail(500);
        if (user.id === this.caller(request).id) return fail(403, 'You cannot disable your own account. Please ask another admin to do this for you.');
        user.disabled_at ??= now();
        return ok(this.userDict(user, this.caller(request)));
      }),
    );

    this.route('DELETE', '/api/users/:id/disable', (request) =>
      this.adminOnly(request, () => {
        const user = this.userById(request.params.id);
        if (!user) return fail(500);
        user.disabled_at = null;
        return ok(this.userDict(user, this.caller(request)));
      }),
    );

    this.route('DELETE', '/api/users/:id', (request) =>
      this.adminOnly(request, () => {
        const user = this.userById(request.params.id);
        if (!user) return fail(500);
        if (user.id === this.caller(request).id) return fail(403, 'You cannot delete your own account. Please ask another admin to do this for you.');
        if (!user.is_invitation_pending) return fail(403, 'You cannot delete activated users. Please disable the user instead.');
        const deleted = this.userDict(user, this.caller(request));
        this.state.users = this.state.users.filter((candidate) => candidate.id !== user.id);
        this.state.permissions = this.state.permissions.filter((permission) => permission.grantee_id !== user.id);
        return ok(deleted);
      }),
    );

    this.route('POST', '/api/users/:id/invite', (request) =>
      this.adminOnly(request, () => {
        const user = this.userById(request.params.id);
        if (!user) return fail(500);
        this.state.outbox.push({ to: user.email, user_id: user.id, at: now() });
        return ok({ ...this.userDict(user, this.caller(request)), invite_link: inviteLink(user) });
      }),
    );
  }

  private userById(raw: string): StoredUser | undefined {
    return this.state.users.find((user) => String(user.id) === raw);
  }

  /** `User.to_dict()`; the API key only for admins and the user themself. */
  private userDict(user: StoredUser, caller: StoredUser): Record<string, unknown> {
    const disabled = user.disabled_at !== null;
    const result: Record<string, unknown> = {
      id: user.id,
      name: user.name,
      email: user.email,
      profile_image_url: disabled ? '/static/images/avatar.svg' : `https://www.gravatar.com/avatar/${createHash('md5').update(user.email).digest('hex')}?s=40&d=identicon`,
      groups: [...user.groups],
      updated_at: user.updated_at,
      created_at: user.created_at,
      disabled_at: user.disabled_at,
      is_disabled: disabled,
      active_at: user.active_at,
      is_invitation_pending: user.is_invitation_pending,
      is_email_verified: true,
      auth_type: user.has_password ? 'password' : 'external',
    };
    if (this.isAdmin(caller) || caller.id === user.id) result.api_key = user.api_key;
    return result;
  }

  /** The list's shape: groups as `{id, name}` from the de-duplicated ids, unknown ids dropped. */
  private listedUser(user: StoredUser, caller: StoredUser): Record<string, unknown> {
    const groups = [...new Set(user.groups)]
      .map((id) => this.state.groups.find((group) => group.id === id))
      .filter((group): group is StoredGroup => group !== undefined)
      .map((group) => ({ id: group.id, name: group.name }));
    return { ...this.userDict(user, caller), groups };
  }

  // --- groups and members --------------------------------------------------------------------

  private registerGroupRoutes(): void {
    this.route('GET', '/api/groups', (request) => {
      const caller = this.caller(request);
      const visible = this.isAdmin(caller) ? this.state.groups : this.state.groups.filter((group) => caller.groups.includes(group.id));
      return ok(visible.map(groupDict));
    });

    this.route('GET', '/api/groups/:id', (request) => {
      const caller = this.caller(request);
      const group = this.groupById(request.params.id);
      if (!(this.isAdmin(caller) || caller.groups.includes(Number(request.params.id)))) return fail(403);
      return group ? ok(groupDict(group)) : fail(500);
    });

    this.route('POST', '/api/groups', (request) =>
      this.adminOnly(request, () => {
        const body = strictJson(request);
        if ('status' in body) return body;
        if (typeof body.json?.name !== 'string') return fail(500); // request.json['name'] → KeyError
        const group: StoredGroup = { id: this.state.nextId.group++, name: body.json.name, permissions: [...DEFAULT_PERMISSIONS], type: 'regular', created_at: now() };
        this.state.groups.push(group); // names are not unique
        return ok(groupDict(group));
      }),
    );

    this.route('POST', '/api/groups/:id', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return fail(500);
        if (group.type === 'builtin') return fail(400, "Can't modify built-in groups.");
        const body = strictJson(request);
        if ('status' in body) return body;
        if (typeof body.json?.name !== 'string') return fail(500);
        group.name = body.json.name;
        return ok(groupDict(group));
      }),
    );

    this.route('DELETE', '/api/groups/:id', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return fail(500);
        if (group.type === 'builtin') return fail(400, "Can't delete built-in groups.");
        this.state.groups = this.state.groups.filter((candidate) => candidate.id !== group.id);
        for (const user of this.state.users) user.groups = user.groups.filter((id) => id !== group.id);
        this.state.links = this.state.links.filter((link) => link.group_id !== group.id);
        return ok(null);
      }),
    );

    this.route('GET', '/api/groups/:id/members', (request) => {
      const caller = this.caller(request);
      const groupId = Number(request.params.id);
      const permitted = this.permissionsOf(caller).has('list_users') && (this.isAdmin(caller) || caller.groups.includes(groupId));
      if (!permitted) return fail(403);
      return ok(this.state.users.filter((user) => user.groups.includes(groupId)).map((user) => this.userDict(user, caller)));
    });

    this.route('POST', '/api/groups/:id/members', (request) =>
      this.adminOnly(request, () => {
        const body = strictJson(request);
        if ('status' in body) return body;
        const user = this.state.users.find((candidate) => candidate.id === Number(body.json?.user_id));
        const group = this.groupById(request.params.id);
        if (!user || !group) return fail(500);
        user.groups = [...user.groups, group.id]; // a blind append: twice means twice
        return ok(this.userDict(user, this.caller(request)));
      }),
    );

    this.route('DELETE', '/api/groups/:id/members/:userId', (request) =>
      this.adminOnly(request, () => {
        const user = this.userById(request.params.userId);
        if (!user) return fail(500);
        const index = user.groups.indexOf(Number(request.params.id));
        if (index === -1) return fail(500); // list.remove → ValueError
        user.groups = user.groups.filter((_, position) => position !== index); // one copy only
        return ok(null);
      }),
    );

    this.route('GET', '/api/groups/:id/data_sources', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return fail(404); // get_object_or_404
        const links = this.state.links.filter((link) => link.group_id === group.id);
        const pairs = new Set(links.map((link) => link.data_source_id));
        if (pairs.size !== links.length) return fail(500); // .one() on a pair linked twice
        return ok(
          links.map((link) => ({ ...this.dataSourceDict(this.state.dataSources.find((ds) => ds.id === link.data_source_id)!, false), view_only: link.view_only })),
        );
      }),
    );

    this.route('POST', '/api/groups/:id/data_sources', (request) =>
      this.adminOnly(request, () => {
        const body = strictJson(request);
        if ('status' in body) return body;
        const group = this.groupById(request.params.id);
        const dataSource = this.state.dataSources.find((candidate) => candidate.id === Number(body.json?.data_source_id));
        if (!group || !dataSource) return fail(500);
        // Always a new row with full access: attaching twice makes two rows.
        this.state.links.push({ id: this.state.nextId.link++, group_id: group.id, data_source_id: dataSource.id, view_only: false });
        return ok({ ...this.dataSourceDict(dataSource, false), view_only: false });
      }),
    );

    this.route('POST', '/api/groups/:id/data_sources/:dataSourceId', (request) =>
      this.adminOnly(request, () => {
        const body = strictJson(request);
        if ('status' in body) return body;
        const group = this.groupById(request.params.id);
        const dataSource = this.state.dataSources.find((candidate) => String(candidate.id) === request.params.dataSourceId);
        if (!group || !dataSource) return fail(500);
        const links = this.state.links.filter((link) => link.group_id === group.id && link.data_source_id === dataSource.id);
        if (links.length !== 1) return fail(500); // .one(): no row, or two
        if (typeof body.json?.view_only !== 'boolean') return fail(500);
        links[0].view_only = body.json.view_only;
        return ok({ ...this.dataSourceDict(dataSource, false), view_only: links[0].view_only });
      }),
    );

    this.route('DELETE', '/api/groups/:id/data_sources/:dataSourceId', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        const dataSource = this.state.dataSources.find((candidate) => String(candidate.id) === request.params.dataSourceId);
        if (!group || !dataSource) return fail(500);
        this.state.links = this.state.links.filter((link) => !(link.group_id === group.id && link.data_source_id === dataSource.id));
        return ok(null);
      }),
    );
  }

  private groupById(raw: string): StoredGroup | undefined {
    return this.state.groups.find((group) => String(group.id) === raw);
  }

  // --- data sources --------------------------------------------------------------------------

  private registerDataSourceRoutes(): void {
    this.route('GET', '/api/data_sources/types', (request) => this.adminOnly(request, () => ok(DATA_SOURCE_TYPES)));

    this.route('GET', '/api/data_sources', (request) =>
      this.allowed(request, 'list_data_sources', () => {
        const caller = this.caller(request);
        const visible = this.isAdmin(caller) ? this.state.dataSources : this.state.dataSources.filter((ds) => this.linksFor(ds.id, caller).length > 0);
        const sorted = [...visible].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : a.id - b.id));
        // view_only for the caller: true only if every link through the caller's groups is (all([]) is true).
        return ok(sorted.map((ds) => ({ ...this.dataSourceDict(ds, false), view_only: this.linksFor(ds.id, caller).every((link) => link.view_only) })));
      }),
    );

    this.route('GET', '/api/data_sources/:id', (request) => {
      const caller = this.caller(request);
      const dataSource = this.state.dataSources.find((ds) => String(ds.id) === request.params.id);
      if (!dataSource) return fail(404);
      const admin = this.isAdmin(caller);
      const links = this.linksFor(dataSource.id, caller);
      if (!admin && links.length === 0) return fail(403);
      return ok({ ...this.dataSourceDict(dataSource, admin), view_only: links.every((link) => link.view_only) });
    });

    this.route('POST', '/api/data_sources', (request) =>
      this.adminOnly(request, () => {
        const body = forcedJson(request);
        if (typeof body?.name !== 'string' || typeof body?.type !== 'string' || body?.options === undefined) return fail(400);
        const options = validOptions(body.type, body.options, undefined);
        if (!options) return fail(400);
        if (this.state.dataSources.some((ds) => ds.name === body.name)) return fail(400, `Data source with the name ${body.name} already exists.`);
        const dataSource: StoredDataSource = { id: this.state.nextId.dataSource++, name: body.name, type: body.type, options, created_at: now() };
        this.state.dataSources.push(dataSource);
        // Every new data source is linked to the default group with full access.
        const defaultGroup = this.state.groups.find((group) => group.type === 'builtin' && group.name === 'default')!;
        this.state.links.push({ id: this.state.nextId.link++, group_id: defaultGroup.id, data_source_id: dataSource.id, view_only: false });
        return ok(this.dataSourceDict(dataSource, true));
      }),
    );

    this.route('POST', '/api/data_sources/:id', (request) =>
      this.adminOnly(request, () => {
        const dataSource = this.state.dataSources.find((ds) => String(ds.id) === request.params.id);
        if (!dataSource) return fail(404);
        const body = forcedJson(request);
        // type, name and options are read unconditionally: a missing one is a KeyError.
        if (body?.name === undefined || body?.type === undefined || body?.options === undefined) return fail(500);
        const options = validOptions(body.type, body.options, dataSource);
        if (!options) return fail(400);
        if (this.state.dataSources.some((ds) => ds.id !== dataSource.id && ds.name === body.name)) return fail(400, `Data source with the name ${body.name} already exists.`);
        Object.assign(dataSource, { name: body.name, type: body.type, options });
        return ok(this.dataSourceDict(dataSource, true));
      }),
    );

    this.route('DELETE', '/api/data_sources/:id', (request) =>
      this.adminOnly(request, () => {
        const dataSource = this.state.dataSources.find((ds) => String(ds.id) === request.params.id);
        if (!dataSource) return fail(404);
        this.state.dataSources = this.state.dataSources.filter((ds) => ds.id !== dataSource.id);
        this.state.links = this.state.links.filter((link) => link.data_source_id !== dataSource.id);
        return { status: 204 };
      }),
    );
  }

  private linksFor(dataSourceId: number, caller: StoredUser): StoredLink[] {
    return this.state.links.filter((link) => link.data_source_id === dataSourceId && caller.groups.includes(link.group_id));
  }

  /** `DataSource.to_dict(all=…)`: with `all`, options (secrets masked), queues and the groups map. */
  private dataSourceDict(dataSource: StoredDataSource, all: boolean): Record<string, unknown> {
    const result: Record<string, unknown> = {
      id: dataSource.id,
      name: dataSource.name,
      type: dataSource.type,
      syntax: 'sql',
      paused: 0,
      pause_reason: null,
      supports_auto_limit: true,
    };
    if (all) {
      const secret = DATA_SOURCE_TYPES.find((type) => type.type === dataSource.type)?.configuration_schema.secret ?? [];
      result.options = Object.fromEntries(Object.entries(dataSource.options).map(([key, value]) => [key, secret.includes(key) ? SECRET_PLACEHOLDER : value]));
      result.queue_name = 'queries';
      result.scheduled_queue_name = 'scheduled_queries';
      // Integer keys become strings in JSON; a pair linked twice collapses to one entry.
      result.groups = Object.fromEntries(this.state.links.filter((link) => link.data_source_id === dataSource.id).map((link) => [String(link.group_id), link.view_only]));
    }
    return result;
  }

  // --- dashboards ----------------------------------------------------------------------------

  private registerDashboardRoutes(): void {
    this.route('GET', '/api/dashboards', (request) =>
      this.allowed(request, 'list_dashboards', () => {
        const caller = this.caller(request);
        const q = request.query.get('q');
        let dashboards = this.state.dashboards.filter((dashboard) => !dashboard.is_archived && (!dashboard.is_draft || dashboard.user_id === caller.id));
        if (q) dashboards = dashboards.filter((dashboard) => dashboard.name.toLowerCase().includes(q.toLowerCase()));
        dashboards = sortBy(dashboards, request.query.get('order') ?? '-created_at', { name: (d) => d.name.toLowerCase(), created_at: (d) => d.created_at });
        return paginate(request, dashboards, (dashboard) => this.dashboardDict(dashboard));
      }),
    );

    this.route('GET', '/api/dashboards/:id', (request) =>
      this.allowed(request, 'list_dashboards', () => {
        // Redash 10+: the numeric id, or with `?legacy` (presence only) the stored slug.
        const dashboard = request.query.has('legacy')
          ? this.state.dashboards.find((candidate) => candidate.slug === request.params.id)
          : this.state.dashboards.find((candidate) => String(candidate.id) === request.params.id);
        if (!dashboard) return fail(404);
        return ok({ ...this.dashboardDict(dashboard), widgets: [], can_edit: this.canModify(dashboard, this.caller(request)) });
      }),
    );

    this.route('POST', '/api/dashboards', (request) =>
      this.allowed(request, 'create_dashboard', () => {
        const body = forcedJson(request);
        if (typeof body?.name !== 'string') return fail(400);
        const at = now();
        const id = this.state.nextId.dashboard++;
        let slug = slugify(body.name);
        if (this.state.dashboards.some((dashboard) => dashboard.slug === slug)) slug = `${slug}_${id}`;
        const dashboard: StoredDashboard = {
          id,
          name: body.name,
          slug,
          user_id: this.caller(request).id,
          created_at: at,
          updated_at: at,
          version: 1,
          is_archived: false,
          is_draft: true,
          tags: [],
          dashboard_filters_enabled: false,
        };
        this.state.dashboards.push(dashboard);
        return ok(this.dashboardDict(dashboard));
      }),
    );

    this.route('POST', '/api/dashboards/:id', (request) =>
      this.allowed(request, 'edit_dashboard', () => {
        const dashboard = this.state.dashboards.find((candidate) => String(candidate.id) === request.params.id);
        if (!dashboard) return fail(404);
        if (!this.canModify(dashboard, this.caller(request))) return fail(403);
        const body = forcedJson(request) ?? {};
        if (body.version !== undefined && body.version !== dashboard.version) return fail(409);
        if (typeof body.name === 'string') dashboard.name = body.name;
        if (typeof body.is_draft === 'boolean') dashboard.is_draft = body.is_draft;
        if (Array.isArray(body.tags)) dashboard.tags = body.tags.map(String);
        if (typeof body.dashboard_filters_enabled === 'boolean') dashboard.dashboard_filters_enabled = body.dashboard_filters_enabled;
        dashboard.version++;
        dashboard.updated_at = now();
        return ok(this.dashboardDict(dashboard));
      }),
    );

    this.route('DELETE', '/api/dashboards/:id', (request) =>
      this.allowed(request, 'edit_dashboard', () => {
        const dashboard = this.state.dashboards.find((candidate) => String(candidate.id) === request.params.id);
        if (!dashboard) return fail(404);
        dashboard.is_archived = true; // a soft delete
        dashboard.updated_at = now();
        return ok(this.dashboardDict(dashboard));
      }),
    );
  }

  private dashboardDict(dashboard: StoredDashboard): Record<string, unknown> {
    const owner = this.state.users.find((user) => user.id === dashboard.user_id);
    return {
      id: dashboard.id,
      slug: slugify(dashboard.name), // v10+: the current name, not the stored column
      name: dashboard.name,
      user_id: dashboard.user_id,
      user: owner ? { id: owner.id, name: owner.name, email: owner.email, profile_image_url: '' } : null,
      layout: [],
      dashboard_filters_enabled: dashboard.dashboard_filters_enabled,
      widgets: null,
      options: {},
      is_archived: dashboard.is_archived,
      is_draft: dashboard.is_draft,
      tags: [...dashboard.tags],
      updated_at: dashboard.updated_at,
      created_at: dashboard.created_at,
      version: dashboard.version,
      is_favorite: false,
    };
  }

  private canModify(dashboard: StoredDashboard, caller: StoredUser): boolean {
    if (dashboard.user_id === caller.id || this.isAdmin(caller)) return true;
    return this.state.permissions.some(
      (permission) => permission.object_type === 'dashboards' && permission.object_id === dashboard.id && permission.grantee_id === caller.id && permission.access_type === 'modify',
    );
  }

  // --- ACL -----------------------------------------------------------------------------------

  private registerAclRoutes(): void {
    this.route('GET', '/api/:objectType/:id/acl', (request) => {
      const object = this.aclObject(request);
      if (!object) return fail(404);
      const result: Record<string, unknown[]> = {};
      for (const permission of this.permissionsOn(object)) {
        const grantee = this.state.users.find((user) => user.id === permission.grantee_id);
        if (grantee) (result[permission.access_type] ??= []).push(this.userDict(grantee, this.caller(request)));
      }
      return ok(result);
    });

    this.route('POST', '/api/:objectType/:id/acl', (request) => {
      const object = this.aclObject(request);
      if (!object) return fail(404);
      const caller = this.caller(request);
      if (!(object.dashboard.user_id === caller.id || this.isAdmin(caller))) return fail(403, "You don't have permission to edit this resource.");
      const body = strictJson(request);
      if ('status' in body) return body;
      const accessType = body.json?.access_type;
      if (!ACCESS_TYPES.includes(accessType)) return fail(400, 'Unknown access type.');
      const grantee = this.state.users.find((user) => user.id === Number(body.json?.user_id));
      if (!grantee) return fail(400, 'User not found.');
      // Idempotent per (object, access type, grantee, grantor): another admin's grant is another row.
      let permission = this.permissionsOn(object).find((p) => p.access_type === accessType && p.grantee_id === grantee.id && p.grantor_id === caller.id);
      if (!permission) {
        permission = { id: this.state.nextId.permission++, object_type: object.type, object_id: object.dashboard.id, access_type: accessType, grantor_id: caller.id, grantee_id: grantee.id };
        this.state.permissions.push(permission);
      }
      return ok({ id: permission.id, object_id: permission.object_id, object_type: permission.object_type, access_type: permission.access_type, grantor: permission.grantor_id, grantee: permission.grantee_id });
    });

    this.route('DELETE', '/api/:objectType/:id/acl', (request) => {
      const object = this.aclObject(request);
      if (!object) return fail(404);
      const caller = this.caller(request);
      if (!(object.dashboard.user_id === caller.id || this.isAdmin(caller))) return fail(403, "You don't have permission to edit this resource.");
      const body = strictJson(request);
      if ('status' in body) return body;
      const accessType = body.json?.access_type;
      const grantee = this.state.users.find((user) => user.id === Number(body.json?.user_id));
      if (!grantee) return fail(400, 'User not found.');
      if (!ACCESS_TYPES.includes(accessType)) return fail(400, 'Unknown access type.');
      // Revoke removes every row for the grantee and type, whoever granted it.
      this.state.permissions = this.state.permissions.filter(
        (p) => !(p.object_type === object.type && p.object_id === object.dashboard.id && p.grantee_id === grantee.id && p.access_type === accessType),
      );
      return ok(null);
    });

    this.route('GET', '/api/:objectType/:id/acl/:accessType', (request) => {
      const object = this.aclObject(request);
      if (!object) return fail(404);
      const caller = this.caller(request);
      const granted =
        request.params.accessType === 'modify'
          ? this.canModify(object.dashboard, caller)
          : this.permissionsOn(object).some((p) => p.grantee_id === caller.id && p.access_type === request.params.accessType);
      return ok({ response: granted });
    });
  }

  /** Only dashboards exist here; queries are never found (404), other object types are 404 too. */
  private aclObject(request: EmulatorRequest): { type: 'dashboards'; dashboard: StoredDashboard } | undefined {
    if (request.params.objectType !== 'dashboards') return undefined;
    const dashboard = this.state.dashboards.find((candidate) => String(candidate.id) === request.params.id);
    return dashboard ? { type: 'dashboards', dashboard } : undefined;
  }

  private permissionsOn(object: { type: string; dashboard: StoredDashboard }): StoredPermission[] {
    return this.state.permissions.filter((p) => p.object_type === object.type && p.object_id === object.dashboard.id);
  }
}

// ---------------------------------------------------------------------------------------------

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** Flask-RESTful's error body; without a message, Werkzeug's standard description. */
function fail(status: 400 | 403 | 404 | 409 | 415 | 500, message?: string): Reply {
  const standard: Record<number, string> = { ...MESSAGES, 409: 'A conflict happened while processing the request.' };
  return { status, body: { message: message ?? standard[status] } };
}

/** `request.get_json(force=True)`: any content type. */
function forcedJson(request: EmulatorRequest): any {
  if (typeof request.body === 'string') {
    try {
      return JSON.parse(request.body);
    } catch {
      return undefined;
    }
  }
  return request.body;
}

/** `request.json`: Flask 2.3 answers 415 unless the Content-Type is JSON. */
function strictJson(request: EmulatorRequest): { json: any } | Reply {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('json')) return fail(415);
  return { json: request.body };
}

function groupDict(group: StoredGroup): Record<string, unknown> {
  return { id: group.id, name: group.name, permissions: [...group.permissions], type: group.type, created_at: group.created_at };
}

/** Redash's `paginate`: `page`/`page_size` as ints (unparsable ones fall back), validated in this order. */
function paginate<T>(request: EmulatorRequest, items: T[], serialize: (item: T) => unknown): Reply {
  const page = intOr(request.query.get('page'), 1);
  const pageSize = intOr(request.query.get('page_size'), 25);
  if (page < 1) return fail(400, 'Page must be positive integer.');
  if ((page - 1) * pageSize + 1 > items.length && items.length > 0) return fail(400, 'Page is out of range.');
  if (pageSize > 250 || pageSize < 1) return fail(400, 'Page size is out of range (1-250).');
  const results = items.slice((page - 1) * pageSize, page * pageSize).map(serialize);
  return ok({ count: items.length, page, page_size: pageSize, results });
}

function intOr(raw: string | null, fallback: number): number {
  return raw !== null && /^-?\d+$/.test(raw.trim()) ? Number(raw) : fallback;
}

/** Sorts by a `name` / `-name` style key (ties by id); an unknown or absent order keeps the given order. */
function sortBy<T extends { id: number }>(items: T[], order: string | null, keys: Record<string, (item: T) => string | number>): T[] {
  if (!order) return [...items].sort((a, b) => a.id - b.id);
  const descending = order.startsWith('-');
  const key = keys[descending ? order.slice(1) : order];
  if (!key) return [...items];
  return [...items].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    const compared = left < right ? -1 : left > right ? 1 : a.id - b.id;
    return descending ? -compared : compared;
  });
}

function parseBoolean(value: string): boolean {
  return ['true', '1', 't', 'y', 'yes', 'on'].includes(value.toLowerCase());
}

/** Redash only wants an "@" (plus a blocklist of disposable domains, emulated by one). */
function validEmail(email: string): boolean {
  return email.includes('@') && !email.toLowerCase().endsWith('@mailinator.com');
}

function inviteLink(user: StoredUser): string {
  return `/invite/${createHash('sha1').update(`${user.id}:${user.api_key}`).digest('hex')}`;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function describeLimit(limit: RateLimit): string {
  const units: Array<[number, string]> = [
    [24 * HOUR, 'day'],
    [HOUR, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, unit] = units.find(([seconds]) => limit.perSeconds % seconds === 0)!;
  return `${limit.count} per ${limit.perSeconds / size} ${unit}`;
}

function now(): string {
  return new Date().toISOString(); // milliseconds and Z, as Redash renders UTC times
}

type OptionType = 'string' | 'number' | 'boolean';

function runner(type: string, name: string, properties: Record<string, OptionType>, required: string[], secret: string[]) {
  return {
    name,
    type,
    configuration_schema: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(properties).map(([key, kind]) => [key, { type: kind }])),
      required,
      secret,
      order: Object.keys(properties),
    },
  };
}

/**
 * Redash's ConfigurationContainer: JSON Schema validation of the runner's options (required keys,
 * declared types; other keys pass), nulls dropped, and a secret sent back as the placeholder
 * keeping the stored value. The new set replaces the old one. Undefined when invalid (400).
 */
function validOptions(type: unknown, raw: unknown, existing: StoredDataSource | undefined): Record<string, unknown> | undefined {
  const definition = DATA_SOURCE_TYPES.find((candidate) => candidate.type === type);
  if (!definition || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const schema = definition.configuration_schema;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null) continue;
    if (schema.secret.includes(key) && value === SECRET_PLACEHOLDER) {
      if (existing && key in existing.options) options[key] = existing.options[key];
      continue;
    }
    const declared = (schema.properties as Record<string, { type: OptionType }>)[key]?.type;
    if (declared && typeof value !== declared) return undefined;
    options[key] = value;
  }
  if (schema.required.some((key) => !(key in options))) return undefined;
  return options;
}
