// A Periscope Data (RBAC site) API emulator, faithful to what is known of the real one and, where
// the sources leave a question open, taking the reading that is harder on a client:
// - `HTTP-X-PARTNER-AUTH: <site>:<api key>` checked on every request (401 otherwise);
// - a write without `test_mode=false` is a dry run: validated and answered, never stored;
// - users v2 and dashboards v1 are paginated with a `next_page_start` cursor and small pages;
//   roles v1 come in one `{"roles": [...]}`; a single user comes wrapped (`{"user": ...}`), a
//   single role bare; dashboard and role ids are JSON numbers, user ids strings;
// - the default roles (Admin, Everyone, Analyst, Business User, Read) exist and cannot be created,
//   renamed or deleted; Everyone is in every user's roles and cannot be taken out;
// - a role PUT replaces both arrays, and an array left out is cleared;
// - the last admin cannot be deleted nor lose the Admin role; emails are stored lower-cased;
//   role names are unique ignoring case; validation errors come Rails-style
//   (`{"errors": {"email": ["has already been taken"]}}`), others as `{"error": "..."}`;
// - a route the site does not serve answers an HTML 404 page.
// Dashboards are made in Periscope's UI, not through the API: `POST /api/v1/dashboards` exists
// only here, so that tests and the demo can make some.
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../emulator/base';
import type { RunnableEmulator } from '../../emulator/runnable';

export interface StoredUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  /** Role ids; Everyone's always included. */
  roles: number[];
  invited_by_email: string;
  created_at: string;
}

export interface StoredEntry {
  object_type: string;
  /** Dashboard entries hold the dashboard's numeric id. */
  object_id: number | string;
  permissions: string[];
}

export interface StoredRole {
  id: number;
  name: string;
  description: string;
  privileges: Array<{ object_type: string; permissions: string[] }>;
  permissions: StoredEntry[];
  default: boolean;
}

export interface StoredDashboard {
  id: number;
  name: string;
}

export interface PeriscopeEmulatorState {
  users: StoredUser[];
  roles: StoredRole[];
  dashboards: StoredDashboard[];
  nextId: { user: number; role: number; dashboard: number };
}

export interface PeriscopeEmulatorOptions {
  stateFile?: string;
  /** Users per page of `GET /api/v2/users`. Default 5. */
  userPageSize?: number;
  /** Dashboards per page of `GET /api/v1/dashboards`. Default 3. */
  dashboardPageSize?: number;
}

export const PERISCOPE_SITE = 'emulated-site';
export const PERISCOPE_API_KEY = 'periscopeEmulatorApiKey0123456789abcdef';
export const PERISCOPE_ADMIN_EMAIL = 'admin@example.com';
const DEFAULT_ROLES = ['Admin', 'Everyone', 'Analyst', 'Business User', 'Read'];
const NOT_FOUND_PAGE =
  '<!DOCTYPE html><html><head><title>The page you were looking for doesn\'t exist (404)</title></head><body><h1>The page you were looking for doesn\'t exist.</h1></body></html>';

type Reply = EmulatorResponse;

export class PeriscopeEmulator extends Emulator<PeriscopeEmulatorState> implements RunnableEmulator {
  readonly site = PERISCOPE_SITE;
  readonly apiKey = PERISCOPE_API_KEY;
  private readonly userPageSize: number;
  private readonly dashboardPageSize: number;

  constructor(options: PeriscopeEmulatorOptions = {}) {
    super({ name: 'periscope', stateFile: options.stateFile });
    this.userPageSize = options.userPageSize ?? 5;
    this.dashboardPageSize = options.dashboardPageSize ?? 3;
    this.registerUserRoutes();
    this.registerRoleRoutes();
    this.registerDashboardRoutes();
  }

  connectionEnvironment(): Record<string, string> {
    return { PERISCOPE_URL: this.url, PERISCOPE_SITE: this.site, PERISCOPE_API_KEY: this.apiKey, PERISCOPE_ADMIN_EMAIL };
  }

  /** What exists, as an administrator would summarise it (the demo prints this). */
  describeContents(): string[] {
    const { users, roles, dashboards } = this.state;
    const roleName = (id: number) => roles.find((role) => role.id === id)?.name ?? `role ${id}`;
    const dashboardName = (id: number | string) => dashboards.find((dashboard) => dashboard.id === Number(id))?.name ?? `dashboard ${id}`;
    return [
      ...users.map((user) => `user ${user.email} (${user.first_name} ${user.last_name}) in ${user.roles.map(roleName).join(', ')}`),
      ...roles
        .filter((role) => !role.default || role.permissions.length > 0)
        .map((role) => {
          const entries = role.permissions.map((entry) => `"${dashboardName(entry.object_id)}": ${entry.permissions.join(', ')}`);
          return `role ${role.name}${role.default ? ' (default)' : ''}: ${entries.join('; ') || 'no dashboards'}`;
        }),
      ...dashboards.map((dashboard) => `dashboard "${dashboard.name}" (id ${dashboard.id})`),
    ];
  }

  /** A dashboard made as in the UI, for tests (written to the state file with the next stored write). */
  addDashboard(name: string): StoredDashboard {
    const dashboard = { id: this.state.nextId.dashboard++, name };
    this.state.dashboards.push(dashboard);
    return dashboard;
  }

  protected initialState(): PeriscopeEmulatorState {
    const roles: StoredRole[] = DEFAULT_ROLES.map((name, index) => ({ id: index + 1, name, description: `Default ${name} role`, privileges: [], permissions: [], default: true }));
    roles[0].privileges = [{ object_type: 'Dashboard', permissions: ['read_dashboards', 'create_dashboards', 'edit_dashboard_settings', 'archive_dashboards'] }];
    return {
      users: [{ id: 'u1000', email: PERISCOPE_ADMIN_EMAIL, first_name: 'Site', last_name: 'Admin', roles: [1, 2], invited_by_email: '', created_at: new Date().toISOString() }],
      roles,
      dashboards: [],
      nextId: { user: 1001, role: 100, dashboard: 5000 },
    };
  }

  // --- auth, errors, test mode ---------------------------------------------------------------

  protected authenticate(request: EmulatorRequest): Reply | undefined {
    const header = request.headers['http-x-partner-auth'];
    if (header !== `${this.site}:${this.apiKey}`) return { status: 401, body: { error: 'Unauthorized: invalid site or API key' } };
    return undefined;
  }

  protected notFound(): Reply {
    return { status: 404, body: NOT_FOUND_PAGE, headers: { 'Content-Type': 'text/html; charset=utf-8' } };
  }

  protected errorResponse(status: number, message: string): Reply {
    return { status, body: { error: message } };
  }

  /**
   * A write: stored only with `test_mode=false`. Otherwise the handler runs on a copy of the state
   * and its answer is sent, but nothing is kept (a dry run).
   */
  private write(request: EmulatorRequest, handler: () => Reply): Reply {
    if (request.query.get('test_mode') === 'false') return handler();
    const before = structuredClone(this.state);
    try {
      return handler();
    } finally {
      this.state = before;
    }
  }

  private isAdminEmail(email: unknown): boolean {
    const admin = this.state.roles.find((role) => role.name === 'Admin')!;
    return typeof email === 'string' && this.state.users.some((user) => user.email === email.toLowerCase() && user.roles.includes(admin.id));
  }

  private everyone(): StoredRole {
    return this.state.roles.find((role) => role.name === 'Everyone')!;
  }

  // --- users v2 ------------------------------------------------------------------------------

  private registerUserRoutes(): void {
    this.route('GET', '/api/v2/users', (request) => ok(page('users', this.state.users.map((user) => this.userJson(user)), this.userPageSize, request)));

    this.route('GET', '/api/v2/users/:id', (request) => {
      const user = this.findUser(request.params.id);
      return user ? ok({ user: this.userJson(user) }) : notFoundError('User not found');
    });

    this.route('POST', '/api/v2/users', (request) =>
      this.write(request, () => {
        const body = record(request.body);
        const problems = validation();
        for (const field of ['first_name', 'last_name', 'email'] as const) if (!nonEmpty(body[field])) problems.add(field, "can't be blank");
        if (!this.isAdminEmail(body.invited_by_email)) problems.add('invited_by_email', 'must be the email of a site admin');
        const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
        if (email && this.state.users.some((user) => user.email === email)) problems.add('email', 'has already been taken');
        if (!Array.isArray(body.roles)) problems.add('roles', 'must be a list of role ids');
        const roles = this.roleIds(body.roles, problems);
        if (problems.any()) return problems.reply();
        const user: StoredUser = {
          id: `u${this.state.nextId.user++}`,
          email,
          first_name: String(body.first_name),
          last_name: String(body.last_name),
          roles: withEveryone(roles, this.everyone().id),
          invited_by_email: String(body.invited_by_email).toLowerCase(),
          created_at: new Date().toISOString(),
        };
        this.state.users.push(user);
        return { status: 201, body: { user: this.userJson(user) } };
      }),
    );

    this.route('PUT', '/api/v2/users/:id', (request) =>
      this.write(request, () => {
        const user = this.findUser(request.params.id);
        if (!user) return notFoundError('User not found');
        const body = record(request.body);
        const problems = validation();
        for (const field of ['first_name', 'last_name'] as const) if (field in body && !nonEmpty(body[field])) problems.add(field, "can't be blank");
        let roles = user.roles;
        if ('roles' in body) {
          if (!Array.isArray(body.roles)) problems.add('roles', 'must be a list of role ids');
          // Everyone holds every user: a list without it keeps it.
          roles = withEveryone(this.roleIds(body.roles, problems), this.everyone().id);
          if (this.isLastAdmin(user) && !roles.includes(this.adminRoleId())) problems.add('roles', 'cannot remove the Admin role from the last admin');
        }
        if (problems.any()) return problems.reply();
        if (typeof body.first_name === 'string') user.first_name = body.first_name;
        if (typeof body.last_name === 'string') user.last_name = body.last_name;
        user.roles = roles;
        return ok({ user: this.userJson(user) });
      }),
    );

    this.route('DELETE', '/api/v2/users/:id', (request) =>
      this.write(request, () => {
        const user = this.findUser(request.params.id);
        if (!user) return notFoundError('User not found');
        if (this.isLastAdmin(user)) return { status: 422, body: { error: 'Cannot delete the last admin of the site' } };
        this.state.users = this.state.users.filter((candidate) => candidate !== user);
        return { status: 200 };
      }),
    );
  }

  private findUser(id: string): StoredUser | undefined {
    return this.state.users.find((user) => user.id === id);
  }

  private adminRoleId(): number {
    return this.state.roles.find((role) => role.name === 'Admin')!.id;
  }

  private isLastAdmin(user: StoredUser): boolean {
    const admin = this.adminRoleId();
    return user.roles.includes(admin) && this.state.users.filter((candidate) => candidate.roles.includes(admin)).length === 1;
  }

  /** Role ids given as numbers or numeric strings; unknown ones are validation errors. */
  private roleIds(value: unknown, problems: Validation): number[] {
    if (!Array.isArray(value)) return [];
    const ids: number[] = [];
    for (const item of value) {
      const id = Number(item);
      if (!this.state.roles.some((role) => role.id === id)) problems.add('roles', `contains an unknown role id ${JSON.stringify(item)}`);
      else if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  private userJson(user: StoredUser): Record<string, unknown> {
    return { id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, roles: [...user.roles], created_at: user.created_at };
  }

  // --- roles v1 ------------------------------------------------------------------------------

  private registerRoleRoutes(): void {
    this.route('GET', '/api/v1/roles', () => ok({ roles: this.state.roles.map(roleJson) }));

    this.route('GET', '/api/v1/roles/:id', (request) => {
      const role = this.findRole(request.params.id);
      return role ? ok(roleJson(role)) : notFoundError('Role not found');
    });

    this.route('POST', '/api/v1/roles', (request) =>
      this.write(request, () => {
        const body = record(request.body);
        const problems = validation();
        if (!nonEmpty(body.name)) problems.add('name', "can't be blank");
        if (!this.isAdminEmail(body.created_by_email)) problems.add('created_by_email', 'must be the email of a site admin');
        const privileges = this.privileges(body.privileges, problems);
        const entries = this.entries(body.permissions, problems);
        if (problems.any()) return problems.reply();
        const name = String(body.name).trim();
        if (this.state.roles.some((role) => role.name.toLowerCase() === name.toLowerCase())) return { status: 409, body: { error: `A role named "${name}" already exists` } };
        const role: StoredRole = { id: this.state.nextId.role++, name, description: typeof body.description === 'string' ? body.description : '', privileges, permissions: entries, default: false };
        this.state.roles.push(role);
        return { status: 201, body: { role: roleJson(role) } };
      }),
    );

    this.route('PUT', '/api/v1/roles/:id', (request) =>
      this.write(request, () => {
        const role = this.findRole(request.params.id);
        if (!role) return notFoundError('Role not found');
        const body = record(request.body);
        const problems = validation();
        if (!this.isAdminEmail(body.updated_by_email)) problems.add('updated_by_email', 'must be the email of a site admin');
        if ('name' in body && !nonEmpty(body.name)) problems.add('name', "can't be blank");
        // An array left out is cleared: the whole role is replaced.
        const privileges = this.privileges(body.privileges ?? [], problems);
        const entries = this.entries(body.permissions ?? [], problems);
        if (problems.any()) return problems.reply();
        const name = typeof body.name === 'string' ? body.name.trim() : role.name;
        if (role.default && name !== role.name) return { status: 422, body: { error: 'Default roles cannot be renamed' } };
        if (this.state.roles.some((other) => other !== role && other.name.toLowerCase() === name.toLowerCase())) return { status: 409, body: { error: `A role named "${name}" already exists` } };
        role.name = name;
        if ('description' in body) role.description = typeof body.description === 'string' ? body.description : '';
        role.privileges = privileges;
        role.permissions = entries;
        return ok(roleJson(role));
      }),
    );

    this.route('DELETE', '/api/v1/roles/:id', (request) =>
      this.write(request, () => {
        const role = this.findRole(request.params.id);
        if (!role) return notFoundError('Role not found');
        if (role.default) return { status: 422, body: { error: 'Default roles cannot be deleted' } };
        this.state.roles = this.state.roles.filter((candidate) => candidate !== role);
        for (const user of this.state.users) user.roles = user.roles.filter((id) => id !== role.id);
        return { status: 200 };
      }),
    );
  }

  private findRole(id: string): StoredRole | undefined {
    return this.state.roles.find((role) => String(role.id) === id);
  }

  private privileges(value: unknown, problems: Validation): StoredRole['privileges'] {
    if (!Array.isArray(value)) {
      problems.add('privileges', 'must be a list');
      return [];
    }
    return value.map((item) => {
      const entry = record(item);
      if (!nonEmpty(entry.object_type)) problems.add('privileges', 'entries need an object_type');
      return { object_type: String(entry.object_type), permissions: this.permissionNames(entry.permissions, 'privileges', problems) };
    });
  }

  /** Dashboard entries must name an existing dashboard (by number or numeric string); it is stored as the number. */
  private entries(value: unknown, problems: Validation): StoredEntry[] {
    if (!Array.isArray(value)) {
      problems.add('permissions', 'must be a list');
      return [];
    }
    return value.map((item) => {
      const entry = record(item);
      if (!nonEmpty(entry.object_type)) problems.add('permissions', 'entries need an object_type');
      let objectId = entry.object_id as number | string;
      if (entry.object_type === 'Dashboard') {
        const dashboard = this.state.dashboards.find((candidate) => String(candidate.id) === String(entry.object_id));
        if (!dashboard) problems.add('permissions', `name an unknown dashboard ${JSON.stringify(entry.object_id)}`);
        else objectId = dashboard.id;
      }
      return { object_type: String(entry.object_type), object_id: objectId, permissions: this.permissionNames(entry.permissions, 'permissions', problems) };
    });
  }

  /** Any non-empty names: the full list of permission names is not public. An empty list is allowed. */
  private permissionNames(value: unknown, field: string, problems: Validation): string[] {
    if (!Array.isArray(value) || !value.every(nonEmpty)) {
      problems.add(field, 'permissions must be a list of names');
      return [];
    }
    return [...new Set(value as string[])];
  }

  // --- dashboards v1 -------------------------------------------------------------------------

  private registerDashboardRoutes(): void {
    this.route('GET', '/api/v1/dashboards', (request) => ok(page('dashboards', this.state.dashboards.map((dashboard) => ({ ...dashboard })), this.dashboardPageSize, request)));

    this.route('POST', '/api/v1/dashboards', (request) =>
      this.write(request, () => {
        const body = record(request.body);
        if (!nonEmpty(body.name)) return validation().add('name', "can't be blank").reply();
        return { status: 201, body: { dashboard: { ...this.addDashboard(body.name) } } };
      }),
    );
  }
}

function roleJson(role: StoredRole): Record<string, unknown> {
  return { id: role.id, name: role.name, description: role.description, privileges: structuredClone(role.privileges), permissions: structuredClone(role.permissions) };
}

/** One page of a cursor-paginated list: the cursor is the id of the next page's first item. */
function page(key: string, items: Array<Record<string, unknown>>, size: number, request: EmulatorRequest): Record<string, unknown> {
  const cursor = request.query.get('next_page_start');
  const start = cursor === null ? 0 : items.findIndex((item) => String(item.id) === cursor);
  const slice = start < 0 ? [] : items.slice(start, start + size);
  const next = start >= 0 && start + size < items.length ? String(items[start + size].id) : null;
  return { [key]: slice, next_page_start: next, items_this_page: slice.length };
}

function withEveryone(roles: number[], everyone: number): number[] {
  return roles.includes(everyone) ? roles : [...roles, everyone];
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function notFoundError(message: string): Reply {
  return { status: 404, body: { error: message } };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

interface Validation {
  add(field: string, problem: string): Validation;
  any(): boolean;
  reply(): Reply;
}

/** Rails-style validation errors: 422 `{"errors": {"field": ["problem", …]}}`. */
function validation(): Validation {
  const errors: Record<string, string[]> = {};
  const self: Validation = {
    add(field, problem) {
      (errors[field] ??= []).includes(problem) || errors[field].push(problem);
      return self;
    },
    any: () => Object.keys(errors).length > 0,
    reply: () => ({ status: 422, body: { errors } }),
  };
  return self;
}
