// A Sisense API emulator faithful to the behaviour the provider depends on: login for a token,
// Bearer auth, users whose `groups` Sisense never de-duplicates, roles by stable name, groups
// with the built-ins and the v0.9 group-user and rename routes, dashboards with owners whose
// share lists are written whole by two routes and reach recipients only when published,
// `adminAccess` for other owners' dashboards, extract and live data-model permissions, and the
// v1 error envelope. Where Sisense's behaviour is not known, it does what is harder on a client:
// partial-match filters, a small default page size, an HTML 404 for unknown routes, a rename
// answering 200 for an unknown group, duplicate members appended, entries for unknown parties
// stored as sent, deleted users and groups left in share lists and group arrays.
import { randomBytes } from 'node:crypto';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../emulator/base';
import type { RunnableEmulator } from '../../emulator/runnable';

// ---------------------------------------------------------------------------------------------
// Stored state (JSON-serializable: it is persisted to the state file)

export interface StoredUser {
  _id: string;
  email: string;
  userName: string;
  firstName: string | null;
  lastName: string | null;
  roleId: string;
  /** As Sisense stores them: appended to blindly, duplicates possible. */
  groups: string[];
  active: boolean;
  password: string | null;
  created: string;
  lastUpdated: string;
}

export interface StoredRole {
  _id: string;
  name: string;
  displayName: string;
  desc: string;
}

export interface StoredGroup {
  _id: string;
  name: string;
  /** Built-in flags: `Admins` has `admins`, `Everyone` has `everyone`; `All users in system` is `allUsers`. */
  admins?: boolean;
  everyone?: boolean;
  allUsers?: boolean;
  created: string;
  lastUpdated: string;
}

export interface StoredShare {
  shareId: string;
  type: string;
  rule?: string;
  subscribe?: boolean;
}

export interface StoredDashboard {
  oid: string;
  title: string;
  owner: string;
  dataModelOid: string | null;
  shares: StoredShare[];
  /** The share list recipients see: the one at the last publish. */
  publishedShares: StoredShare[];
  lastPublished: string | null;
}

export interface StoredDataModelShare {
  partyId: string;
  type: string;
  permission: string;
}

export interface StoredDataModel {
  oid: string;
  title: string;
  type: 'extract' | 'live';
  /** Live models accept permission changes only once published. */
  published: boolean;
  shares: StoredDataModelShare[];
}

export interface SisenseEmulatorState {
  roles: StoredRole[];
  users: StoredUser[];
  groups: StoredGroup[];
  dashboards: StoredDashboard[];
  dataModels: StoredDataModel[];
  /** Tokens issued by logins (API tokens included), to the user they act as. */
  tokens: Record<string, string>;
  nextId: number;
}

export const SISENSE_ADMIN_EMAIL = 'admin@example.com';
export const SISENSE_ADMIN_PASSWORD = 'sisense-emulator-admin-password';
export const SISENSE_ADMIN_TOKEN = 'sisenseEmulatorApiToken0123456789abcdef';

/** The default page size of v1 lists when `limit` is not sent (Sisense's is not known; a small one is harder on a client). */
const DEFAULT_LIMIT = 50;

const ROLES: Array<Omit<StoredRole, '_id'>> = [
  { name: 'super', displayName: 'Sys. Admin', desc: 'System administrator' },
  { name: 'admin', displayName: 'Admin', desc: 'Administrator' },
  { name: 'dataAdmin', displayName: 'Data Admin', desc: 'Data administrator' },
  { name: 'dataDesigner', displayName: 'Data Designer', desc: 'Data designer' },
  { name: 'contributor', displayName: 'Designer', desc: 'Designer' },
  { name: 'consumer', displayName: 'Viewer', desc: 'Viewer' },
];

type Reply = EmulatorResponse;

export class SisenseEmulator extends Emulator<SisenseEmulatorState> implements RunnableEmulator {
  private readonly callers = new WeakMap<EmulatorRequest, StoredUser>();

  constructor(options: { stateFile?: string } = {}) {
    super({ name: 'sisense', stateFile: options.stateFile });
    this.registerAuthRoutes();
    this.registerUserRoutes();
    this.registerGroupRoutes();
    this.registerDashboardRoutes();
    this.registerDataModelRoutes();
  }

  connectionEnvironment(): Record<string, string> {
    return { SISENSE_URL: this.url, SISENSE_TOKEN: SISENSE_ADMIN_TOKEN, SISENSE_USERNAME: SISENSE_ADMIN_EMAIL, SISENSE_PASSWORD: SISENSE_ADMIN_PASSWORD };
  }

  describeContents(): string[] {
    const { users, groups, dashboards, dataModels } = this.state;
    const party = (type: string, id: string) =>
      type === 'group' ? `group ${groups.find((group) => group._id === id)?.name ?? id}` : type === 'default' ? 'everyone' : (users.find((user) => user._id === id)?.email ?? `user ${id}`);
    const roleName = (id: string) => this.state.roles.find((role) => role._id === id)?.name ?? id;
    const groupName = (id: string) => groups.find((group) => group._id === id)?.name ?? id;
    return [
      ...users.map((user) => `user ${user.email} (${roleName(user.roleId)}${user.active ? '' : ', inactive'}) in ${[...new Set(user.groups)].map(groupName).join(', ') || 'no group'}`),
      ...groups.filter((group) => !isBuiltIn(group)).map((group) => `group ${group.name}`),
      ...dashboards.map((dashboard) => {
        const shares = dashboard.shares.filter((share) => share.rule !== undefined).map((share) => `${party(share.type, share.shareId)} (${share.rule})`);
        const published = JSON.stringify(dashboard.shares) === JSON.stringify(dashboard.publishedShares) ? 'published' : 'NOT published';
        return `dashboard "${dashboard.title}" owned by ${party('user', dashboard.owner)} shared with ${shares.join(', ') || 'nobody'} (${published})`;
      }),
      ...dataModels.map((model) => {
        const shares = model.shares.map((share) => `${party(share.type, share.partyId)} (${PERMISSION_NAMES[share.permission] ?? share.permission})`);
        return `${model.type} data model "${model.title}" shared with ${shares.join(', ') || 'nobody'}`;
      }),
    ];
  }

  // --- what Sisense's UI or its other APIs make (tests and the demo) ----------------------------

  /** A data model as the ElastiCube manager or the live-model editor makes it. */
  addDataModel(title: string, type: 'extract' | 'live' = 'extract'): StoredDataModel {
    const model: StoredDataModel = { oid: uuid(), title, type, published: true, shares: [] };
    this.state.dataModels.push(model);
    this.persist();
    return model;
  }

  /** A dashboard as its owner makes it in the UI (the owner's own share entry, without rule, included). */
  addDashboard(title: string, options: { owner?: string; dataModel?: StoredDataModel } = {}): StoredDashboard {
    const owner = options.owner ?? this.admin()._id;
    const shares: StoredShare[] = [{ shareId: owner, type: 'user', subscribe: false }];
    const dashboard: StoredDashboard = { oid: this.newId(), title, owner, dataModelOid: options.dataModel?.oid ?? null, shares, publishedShares: structuredClone(shares), lastPublished: null };
    this.state.dashboards.push(dashboard);
    this.persist();
    return dashboard;
  }

  /** A user added by hand (or by SSO), e.g. a dashboard owner; with a password it is active. */
  addUser(email: string, options: { role?: string; password?: string } = {}): StoredUser {
    const user = this.storeUser({ email, userName: email, roleId: this.roleByName(options.role ?? 'consumer')!._id, password: options.password ?? null });
    this.persist();
    return user;
  }

  /** An API token acting as the user (Admin → REST API). */
  issueToken(userId: string): string {
    const token = randomBytes(24).toString('hex');
    this.state.tokens[token] = userId;
    return token;
  }

  /** Every issued token stops working (as when they expire); API tokens made with issueToken too, the admin's fixed one excepted. */
  expireSessions(): void {
    for (const token of Object.keys(this.state.tokens)) if (token !== SISENSE_ADMIN_TOKEN) delete this.state.tokens[token];
  }

  protected initialState(): SisenseEmulatorState {
    const at = now();
    let next = 1;
    const id = () => objectId(next++);
    const roles = ROLES.map((role) => ({ _id: id(), ...role }));
    const groups: StoredGroup[] = [
      { _id: id(), name: 'Admins', admins: true, created: at, lastUpdated: at },
      { _id: id(), name: 'Everyone', everyone: true, created: at, lastUpdated: at },
      { _id: id(), name: 'All users in system', allUsers: true, created: at, lastUpdated: at },
    ];
    const admin: StoredUser = {
      _id: id(),
      email: SISENSE_ADMIN_EMAIL,
      userName: SISENSE_ADMIN_EMAIL,
      firstName: 'Admin',
      lastName: null,
      roleId: roles.find((role) => role.name === 'super')!._id,
      groups: [groups[0]._id],
      active: true,
      password: SISENSE_ADMIN_PASSWORD,
      created: at,
      lastUpdated: at,
    };
    return { roles, users: [admin], groups, dashboards: [], dataModels: [], tokens: { [SISENSE_ADMIN_TOKEN]: admin._id }, nextId: next };
  }

  // --- auth and errors -----------------------------------------------------------------------

  protected authenticate(request: EmulatorRequest): Reply | undefined {
    if (request.path === '/api/v1/authentication/login') return undefined;
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const caller = token ? this.state.users.find((user) => user._id === this.state.tokens[token]) : undefined;
    if (!caller) return v1Error(401, 'Unauthorized', 'Unauthorized');
    this.callers.set(request, caller);
    return undefined;
  }

  /** Express's own answer to an unknown route: an HTML page, not the API's JSON. */
  protected notFound(request: EmulatorRequest): Reply {
    return { status: 404, body: `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Error</title></head>\n<body><pre>Cannot ${request.method} ${request.path}</pre></body>\n</html>\n`, headers: { 'Content-Type': 'text/html; charset=utf-8' } };
  }

  protected errorResponse(status: number, message: string): Reply {
    return v1Error(status, message);
  }

  private caller(request: EmulatorRequest): StoredUser {
    return this.callers.get(request)!;
  }

  private isAdmin(user: StoredUser): boolean {
    const role = this.state.roles.find((candidate) => candidate._id === user.roleId)?.name;
    return role === 'super' || role === 'admin';
  }

  private adminOnly(request: EmulatorRequest, handler: () => Reply): Reply {
    return this.isAdmin(this.caller(request)) ? handler() : v1Error(403, 'Forbidden: administrators only');
  }

  private admin(): StoredUser {
    return this.state.users.find((user) => this.isAdmin(user))!;
  }

  private newId(): string {
    return objectId(this.state.nextId++);
  }

  private roleByName(name: string): StoredRole | undefined {
    return this.state.roles.find((role) => role.name === name);
  }

  // --- login ---------------------------------------------------------------------------------

  private registerAuthRoutes(): void {
    this.route('POST', '/api/v1/authentication/login', (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const username = String(body.username ?? '').toLowerCase();
      const user = this.state.users.find((candidate) => candidate.email.toLowerCase() === username || candidate.userName.toLowerCase() === username);
      if (!user || user.password === null || user.password !== body.password) return { status: 401, body: { success: false, message: 'Invalid username or password' } };
      const token = this.issueToken(user._id);
      return ok({ success: true, message: '', profile: { _id: user._id, email: user.email }, access_token: token });
    });
    this.route('GET', '/api/v1/authentication/logout', (request) => {
      const token = String(request.headers.authorization ?? '').replace('Bearer ', '');
      if (token !== SISENSE_ADMIN_TOKEN) delete this.state.tokens[token];
      return ok({ success: true });
    });
  }

  // --- roles and users -----------------------------------------------------------------------

  private registerUserRoutes(): void {
    this.route('GET', '/api/roles', () => ok(this.state.roles.map((role) => ({ ...role }))));
    this.route('GET', '/api/roles/:id', (request) => {
      const role = this.state.roles.find((candidate) => candidate._id === request.params.id);
      return role ? ok({ ...role }) : v09Error(404, 'Role not found');
    });
    this.route('GET', '/api/users/loggedin', (request) => ok(this.userView(this.caller(request))));

    this.route('GET', '/api/v1/users', (request) =>
      this.adminOnly(request, () => {
        const q = request.query;
        let users = this.state.users;
        // `email` and `userName` match any part of the value, ignoring case.
        const email = q.get('email');
        if (email) users = users.filter((user) => user.email.toLowerCase().includes(email.toLowerCase()));
        const userName = q.get('userName');
        if (userName) users = users.filter((user) => user.userName.toLowerCase().includes(userName.toLowerCase()));
        const group = q.get('groupId') ?? q.get('group');
        if (group) users = users.filter((user) => this.inGroup(user, group));
        return ok(page(request, users).map((user) => this.userView(user)));
      }),
    );
    this.route('GET', '/api/v1/users/:id', (request) =>
      this.adminOnly(request, () => {
        if (!isObjectId(request.params.id)) return unprocessable();
        const user = this.userById(request.params.id);
        return user ? ok(this.userView(user)) : v1Error(404, 'User not found');
      }),
    );
    this.route('POST', '/api/v1/users', (request) =>
      this.adminOnly(request, () => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (typeof body.email !== 'string' || !body.email.includes('@')) return v1Error(400, 'A valid email is required');
        const email = body.email;
        const userName = typeof body.userName === 'string' && body.userName !== '' ? body.userName : email;
        if (this.takenBy(email, userName)) return v1Error(400, 'User already exists');
        const roleId = typeof body.roleId === 'string' ? body.roleId : this.roleByName('consumer')!._id;
        if (!this.state.roles.some((role) => role._id === roleId)) return v1Error(400, 'Invalid role');
        const groups = Array.isArray(body.groups) ? body.groups.map(String) : [];
        const user = this.storeUser({
          email,
          userName,
          firstName: typeof body.firstName === 'string' ? body.firstName : null,
          lastName: typeof body.lastName === 'string' ? body.lastName : null,
          roleId,
          groups,
          password: typeof body.password === 'string' && body.password !== '' ? body.password : null,
        });
        return { status: 201, body: this.userView(user) };
      }),
    );
    this.route('PATCH', '/api/v1/users/:id', (request) =>
      this.adminOnly(request, () => {
        if (!isObjectId(request.params.id)) return unprocessable();
        const user = this.userById(request.params.id);
        if (!user) return v1Error(404, 'User not found');
        const body = (request.body ?? {}) as Record<string, unknown>;
        const email = typeof body.email === 'string' ? body.email : user.email;
        const userName = typeof body.userName === 'string' ? body.userName : user.userName;
        if (this.takenBy(email, userName, user._id)) return v1Error(400, 'User already exists');
        if (body.roleId !== undefined && !this.state.roles.some((role) => role._id === body.roleId)) return v1Error(400, 'Invalid role');
        user.email = email;
        user.userName = userName;
        if (body.firstName !== undefined) user.firstName = body.firstName === null ? null : String(body.firstName);
        if (body.lastName !== undefined) user.lastName = body.lastName === null ? null : String(body.lastName);
        if (typeof body.roleId === 'string') user.roleId = body.roleId;
        // A full replace, stored as sent (duplicates included).
        if (Array.isArray(body.groups)) user.groups = body.groups.map(String);
        if (typeof body.password === 'string' && body.password !== '') {
          user.password = body.password;
          user.active = true;
        }
        user.lastUpdated = now();
        return ok(this.userView(user));
      }),
    );
    this.route('DELETE', '/api/v1/users/:id', (request) =>
      this.adminOnly(request, () => {
        if (!isObjectId(request.params.id)) return unprocessable();
        const user = this.userById(request.params.id);
        if (!user) return v1Error(404, 'User not found');
        if (user._id === this.caller(request)._id) return v1Error(400, 'You cannot delete yourself');
        // Share entries and data-model permissions naming the user stay behind.
        this.state.users = this.state.users.filter((candidate) => candidate !== user);
        for (const [token, owner] of Object.entries(this.state.tokens)) if (owner === user._id) delete this.state.tokens[token];
        return { status: 204 };
      }),
    );
  }

  private storeUser(fields: Pick<StoredUser, 'email' | 'userName' | 'roleId' | 'password'> & Partial<StoredUser>): StoredUser {
    const at = now();
    const user: StoredUser = { _id: this.newId(), firstName: null, lastName: null, groups: [], created: at, lastUpdated: at, ...fields, active: fields.password !== null };
    this.state.users.push(user);
    return user;
  }

  private takenBy(email: string, userName: string, except?: string): boolean {
    return this.state.users.some(
      (user) => user._id !== except && (user.email.toLowerCase() === email.toLowerCase() || user.userName.toLowerCase() === userName.toLowerCase()),
    );
  }

  private userById(id: string): StoredUser | undefined {
    return this.state.users.find((user) => user._id === id);
  }

  private inGroup(user: StoredUser, groupId: string): boolean {
    const group = this.state.groups.find((candidate) => candidate._id === groupId);
    // Sisense fills the two all-users groups with every user itself.
    if (group?.everyone || group?.allUsers) return true;
    return user.groups.includes(groupId);
  }

  private userView(user: StoredUser): Record<string, unknown> {
    const { password: _password, ...rest } = user;
    return { ...rest, groups: [...user.groups] };
  }

  // --- groups --------------------------------------------------------------------------------

  private registerGroupRoutes(): void {
    this.route('GET', '/api/v1/groups', (request) =>
      this.adminOnly(request, () => {
        const name = request.query.get('name');
        const groups = name === null ? this.state.groups : this.state.groups.filter((group) => group.name === name);
        return ok(page(request, groups).map(groupView));
      }),
    );
    this.route('GET', '/api/v1/groups/:id', (request) =>
      this.adminOnly(request, () => {
        if (!isObjectId(request.params.id)) return unprocessable();
        const group = this.groupById(request.params.id);
        return group ? ok(groupView(group)) : v1Error(404, 'Group not found');
      }),
    );
    this.route('POST', '/api/v1/groups', (request) =>
      this.adminOnly(request, () => {
        const name = (request.body as Record<string, unknown> | undefined)?.name;
        if (typeof name !== 'string' || name.trim() === '') return v1Error(400, 'Group name is required');
        if (this.state.groups.some((group) => group.name.toLowerCase() === name.toLowerCase())) return v1Error(409, 'Group already exists');
        const at = now();
        const group: StoredGroup = { _id: this.newId(), name, created: at, lastUpdated: at };
        this.state.groups.push(group);
        return { status: 201, body: { name, created: at, lastUpdated: at, ad: false, _id: group._id } };
      }),
    );
    // v0.9 rename: a raw Mongo update result, 200 with n: 0 for an unknown id.
    this.route('PUT', '/api/groups/:id', (request) =>
      this.adminOnly(request, () => {
        const name = (request.body as Record<string, unknown> | undefined)?.name;
        const group = this.groupById(request.params.id);
        if (!group) return ok([0, { n: 0, nModified: 0, ok: 1 }]);
        if (typeof name !== 'string' || name.trim() === '') return v09Error(400, 'Group name is required');
        if (isBuiltIn(group)) return v09Error(403, 'Built-in groups cannot be renamed');
        if (this.state.groups.some((other) => other !== group && other.name.toLowerCase() === name.toLowerCase())) return v09Error(409, 'Group already exists');
        const modified = group.name === name ? 0 : 1;
        group.name = name;
        group.lastUpdated = now();
        return ok([1, { n: 1, nModified: modified, ok: 1 }]);
      }),
    );
    this.route('DELETE', '/api/v1/groups/:id', (request) =>
      this.adminOnly(request, () => {
        if (!isObjectId(request.params.id)) return unprocessable();
        const group = this.groupById(request.params.id);
        if (!group) return v1Error(404, 'Group not found');
        if (isBuiltIn(group)) return v1Error(403, 'Built-in groups cannot be deleted');
        // Users keep the id in their `groups`, and share entries stay behind.
        this.state.groups = this.state.groups.filter((candidate) => candidate !== group);
        return { status: 204 };
      }),
    );
    this.route('GET', '/api/groups/:id/users', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return v09Error(404, 'Group not found');
        return ok(this.state.users.filter((user) => this.inGroup(user, group._id)).map((user) => this.userView(user)));
      }),
    );
    // v0.9 delta routes with an array of user ids; adding a member appends another copy.
    this.route('POST', '/api/groups/:id/users', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return v09Error(404, 'Group not found');
        if (!Array.isArray(request.body)) return v09Error(400, 'Expected an array of user ids');
        for (const id of request.body.map(String)) this.userById(id)?.groups.push(group._id);
        return { status: 200 };
      }),
    );
    this.route('DELETE', '/api/groups/:id/users', (request) =>
      this.adminOnly(request, () => {
        const group = this.groupById(request.params.id);
        if (!group) return v09Error(404, 'Group not found');
        if (!Array.isArray(request.body)) return v09Error(400, 'Expected an array of user ids');
        for (const id of request.body.map(String)) {
          const user = this.userById(id);
          if (user) user.groups = user.groups.filter((candidate) => candidate !== group._id);
        }
        return { status: 200 };
      }),
    );
  }

  private groupById(id: string): StoredGroup | undefined {
    return this.state.groups.find((group) => group._id === id);
  }

  // --- dashboards and their shares -----------------------------------------------------------

  private registerDashboardRoutes(): void {
    this.route('GET', '/api/v1/dashboards/admin', (request) =>
      this.adminOnly(request, () => {
        const q = request.query;
        let dashboards = this.state.dashboards;
        const id = q.get('id');
        if (id) dashboards = dashboards.filter((dashboard) => dashboard.oid === id);
        // `name` is a search: any part of the title, ignoring case.
        const name = q.get('name');
        if (name) dashboards = dashboards.filter((dashboard) => dashboard.title.toLowerCase().includes(name.toLowerCase()));
        return ok(page(request, dashboards).map((dashboard) => this.dashboardView(dashboard)));
      }),
    );
    this.route('GET', '/api/v1/dashboards/:oid', (request) => this.onDashboard(request, 'read', (dashboard) => ok(this.dashboardView(dashboard))));
    this.route('GET', '/api/v1/dashboards/:oid/shares', (request) => this.onDashboard(request, 'read', (dashboard) => ok({ sharesTo: this.shareViews(dashboard), owner: dashboard.owner })));
    this.route('PATCH', '/api/v1/dashboards/:oid', (request) =>
      this.onDashboard(request, 'write', (dashboard) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (body.title !== undefined) dashboard.title = String(body.title);
        if (body.shares !== undefined) {
          const refused = this.replaceShares(dashboard, body.shares);
          if (refused) return refused;
        }
        return ok(this.dashboardView(dashboard));
      }),
    );
    this.route('GET', '/api/shares/dashboard/:oid', (request) => this.onDashboard(request, 'read', (dashboard) => ok({ sharesTo: this.shareViews(dashboard) })));
    this.route('POST', '/api/shares/dashboard/:oid', (request) =>
      this.onDashboard(request, 'write', (dashboard) => this.replaceShares(dashboard, (request.body as Record<string, unknown> | undefined)?.sharesTo) ?? ok({ sharesTo: this.shareViews(dashboard) })),
    );
    this.route('POST', '/api/v1/dashboards/:oid/publish', (request) =>
      this.onDashboard(request, 'write', (dashboard) => {
        dashboard.publishedShares = structuredClone(dashboard.shares);
        dashboard.lastPublished = now();
        return { status: 200 };
      }),
    );
  }

  /**
   * Dashboard access: the owner acts on it (and is refused `adminAccess=true`, which is for other
   * owners' dashboards); an admin with `adminAccess=true` acts on anyone's; otherwise a recipient
   * may read it, and write it when shared for editing.
   */
  private onDashboard(request: EmulatorRequest, action: 'read' | 'write', handler: (dashboard: StoredDashboard) => Reply): Reply {
    const dashboard = this.state.dashboards.find((candidate) => candidate.oid === request.params.oid);
    if (!dashboard) return isObjectId(request.params.oid) ? v1Error(404, 'Dashboard not found') : unprocessable();
    const caller = this.caller(request);
    const adminAccess = request.query.get('adminAccess') === 'true';
    if (dashboard.owner === caller._id) {
      if (adminAccess) return v1Error(403, 'adminAccess is for dashboards owned by other users');
      return handler(dashboard);
    }
    if (adminAccess) return this.isAdmin(caller) ? handler(dashboard) : v1Error(403, 'Forbidden');
    const share = dashboard.shares.find((entry) => (entry.type === 'user' && entry.shareId === caller._id) || (entry.type === 'group' && this.inGroup(caller, entry.shareId)));
    if (!share || (action === 'write' && share.rule !== 'edit' && share.rule !== 'co-owner')) return v1Error(403, 'Forbidden');
    return handler(dashboard);
  }

  /** A whole new share list: stored as sent, but a party listed twice is refused. */
  private replaceShares(dashboard: StoredDashboard, raw: unknown): Reply | undefined {
    if (!Array.isArray(raw)) return v1Error(400, 'shares must be an array');
    const shares: StoredShare[] = [];
    const seen = new Set<string>();
    for (const item of raw as Array<Record<string, unknown>>) {
      if (!item || typeof item.shareId !== 'string' || (item.type !== 'user' && item.type !== 'group')) return v1Error(400, 'Invalid share entry');
      if (seen.has(item.shareId)) return v1Error(400, `Duplicate share for ${item.shareId}`);
      seen.add(item.shareId);
      const share: StoredShare = { shareId: item.shareId, type: item.type };
      if (typeof item.rule === 'string') share.rule = item.rule;
      share.subscribe = item.subscribe === true;
      shares.push(share);
    }
    dashboard.shares = shares;
    return undefined;
  }

  private shareViews(dashboard: StoredDashboard): Array<Record<string, unknown>> {
    return dashboard.shares.map((share) => {
      const user = share.type === 'user' ? this.userById(share.shareId) : undefined;
      const group = share.type === 'group' ? this.groupById(share.shareId) : undefined;
      // Display fields next to the stored ones, as the UI's share dialog needs them.
      return { ...share, ...(user ? { userName: user.userName, email: user.email } : {}), ...(group ? { name: group.name } : {}) };
    });
  }

  private dashboardView(dashboard: StoredDashboard): Record<string, unknown> {
    const model = this.state.dataModels.find((candidate) => candidate.oid === dashboard.dataModelOid);
    return {
      oid: dashboard.oid,
      title: dashboard.title,
      owner: dashboard.owner,
      instanceType: 'owner',
      datasource: model ? { title: model.title, fullname: `${model.type === 'live' ? 'live' : 'localhost'}/${model.title}`, live: model.type === 'live' } : null,
      shares: structuredClone(dashboard.shares),
      lastPublish: dashboard.lastPublished,
    };
  }

  // --- data models ---------------------------------------------------------------------------

  private registerDataModelRoutes(): void {
    this.route('GET', '/api/v2/datamodels/schema', (request) =>
      this.adminOnly(request, () => {
        const title = request.query.get('title');
        if (title === null) return ok(this.state.dataModels.map(dataModelView));
        const model = this.state.dataModels.find((candidate) => candidate.title === title);
        return model ? ok(dataModelView(model)) : v1Error(404, `Data model "${title}" not found`);
      }),
    );
    this.route('GET', '/api/elasticubes/:server/:title/permissions', (request) =>
      this.onExtract(request, (model) => ok({ title: model.title, server: request.params.server, shares: structuredClone(model.shares) })),
    );
    this.route('PUT', '/api/elasticubes/:server/:title/permissions', (request) =>
      this.onExtract(request, (model) => this.replaceModelShares(model, request.body) ?? ok(structuredClone(model.shares))),
    );
    this.route('GET', '/api/v1/elasticubes/live/:oid/permissions', (request) => this.onLive(request, (model) => ok(structuredClone(model.shares))));
    this.route('PATCH', '/api/v1/elasticubes/live/:oid/permissions', (request) =>
      this.onLive(request, (model) => {
        if (!model.published) return v1Error(400, 'The live model must be published before its permissions change');
        return this.replaceModelShares(model, request.body) ?? ok(structuredClone(model.shares));
      }),
    );
  }

  private onExtract(request: EmulatorRequest, handler: (model: StoredDataModel) => Reply): Reply {
    return this.adminOnly(request, () => {
      if (request.params.server.toLowerCase() !== 'localhost') return v09Error(404, `Server "${request.params.server}" not found`);
      const model = this.state.dataModels.find((candidate) => candidate.type === 'extract' && candidate.title === request.params.title);
      return model ? handler(model) : v09Error(404, `ElastiCube "${request.params.title}" not found`);
    });
  }

  private onLive(request: EmulatorRequest, handler: (model: StoredDataModel) => Reply): Reply {
    return this.adminOnly(request, () => {
      const model = this.state.dataModels.find((candidate) => candidate.type === 'live' && candidate.oid === request.params.oid);
      return model ? handler(model) : v1Error(404, 'Live model not found');
    });
  }

  /** A whole new permission list, stored as sent (`party` is taken for `partyId`). */
  private replaceModelShares(model: StoredDataModel, raw: unknown): Reply | undefined {
    if (!Array.isArray(raw)) return v1Error(400, 'Expected an array of permissions');
    const shares: StoredDataModelShare[] = [];
    for (const item of raw as Array<Record<string, unknown>>) {
      const partyId = item?.partyId ?? item?.party;
      if (typeof partyId !== 'string' || !['user', 'group', 'default'].includes(String(item.type)) || !['r', 'w', 'a'].includes(String(item.permission))) {
        return v1Error(400, 'Invalid permission entry');
      }
      shares.push({ partyId, type: String(item.type), permission: String(item.permission) });
    }
    model.shares = shares;
    return undefined;
  }
}

const PERMISSION_NAMES: Record<string, string> = { a: 'read', r: 'use', w: 'edit' };

function isBuiltIn(group: StoredGroup): boolean {
  return group.admins === true || group.everyone === true || group.allUsers === true;
}

function groupView(group: StoredGroup): Record<string, unknown> {
  return { ...group, ad: false, roleId: null, defaultRole: '' };
}

function dataModelView(model: StoredDataModel): Record<string, unknown> {
  return { oid: model.oid, title: model.title, type: model.type, shares: structuredClone(model.shares) };
}

/** v1 lists: `skip` and `limit` (a small default when `limit` is absent). */
function page<T>(request: EmulatorRequest, items: T[]): T[] {
  const skip = Math.max(0, Number(request.query.get('skip') ?? 0) || 0);
  const limit = Math.max(1, Number(request.query.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT);
  return items.slice(skip, skip + limit);
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** The v1 error envelope. */
function v1Error(status: number, message: string, httpMessage = httpMessages[status] ?? 'Error'): Reply {
  return { status, body: { error: { code: status * 10, message, status, httpMessage } } };
}

/** v0.9 routes answer the inner object alone. */
function v09Error(status: number, message: string): Reply {
  return { status, body: { code: status * 10, message, status, httpMessage: httpMessages[status] ?? 'Error' } };
}

/** A malformed id: 422 with nothing useful in the body. */
function unprocessable(): Reply {
  return { status: 422, body: {} };
}

const httpMessages: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 500: 'Internal Server Error' };

function isObjectId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}

/** Deterministic, increasing 24-hex ids (what a fresh Mongo would hand out, in shape). */
function objectId(sequence: number): string {
  return `5f3a${sequence.toString(16).padStart(20, '0')}`;
}

function uuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function now(): string {
  return new Date().toISOString();
}
