// An in-process Grafana for tests and the demo: the access-management part of the HTTP API
// (users, orgs, teams, folders, dashboards, data sources, legacy and access-control permissions,
// service-account tokens), with Grafana's quirks reproduced on purpose. Where Grafana's
// behaviour was inferred rather than observed, the emulator picks one reading and says so ([inf]).
import { randomBytes } from 'node:crypto';
import { Emulator, type EmulatorRequest, type EmulatorResponse, type RouteHandler } from '../../emulator/base';
import type { RunnableEmulator } from '../../emulator/runnable';

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';
export type PermissionResource = 'dashboards' | 'folders' | 'datasources';

const ORG_ROLES: readonly OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];
const ROLE_RANK: Record<OrgRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };
const BUILT_IN_ROLES = ['Viewer', 'Editor', 'Admin'];
const LEGACY_LEVELS: Record<string, number> = { View: 1, Edit: 2, Admin: 4 };
const LEGACY_NAMES: Record<number, string> = { 1: 'View', 2: 'Edit', 4: 'Admin' };

export interface EmulatedUser {
  id: number;
  uid: string;
  login: string;
  email: string;
  name: string;
  password: string;
  isGrafanaAdmin: boolean;
  isDisabled: boolean;
  /** The user's current org (where basic-auth requests act without X-Grafana-Org-Id). */
  orgId: number;
  created: string;
  updated: string;
}

export interface EmulatedOrg {
  id: number;
  name: string;
}

export interface EmulatedOrgUser {
  orgId: number;
  userId: number;
  role: OrgRole;
}

export interface EmulatedTeam {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  email: string;
}

export interface EmulatedTeamMember {
  teamId: number;
  userId: number;
  /** 0 = Member, 4 = Admin. */
  permission: number;
}

export interface EmulatedFolder {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  parentUid: string | null;
}

export interface EmulatedDashboard {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  folderUid: string | null;
  version: number;
}

export interface EmulatedDataSource {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
}

/** One managed permission on one object for one assignee (user, team or built-in role). */
export interface EmulatedPermission {
  id: number;
  orgId: number;
  resource: PermissionResource;
  resourceUid: string;
  userId?: number;
  teamId?: number;
  builtInRole?: string;
  permission: string;
  created: string;
  updated: string;
}

export interface EmulatedServiceAccount {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  role: OrgRole;
  tokens: Array<{ id: number; name: string; key: string }>;
}

export interface GrafanaState {
  orgs: EmulatedOrg[];
  users: EmulatedUser[];
  orgUsers: EmulatedOrgUser[];
  teams: EmulatedTeam[];
  teamMembers: EmulatedTeamMember[];
  folders: EmulatedFolder[];
  dashboards: EmulatedDashboard[];
  dataSources: EmulatedDataSource[];
  permissions: EmulatedPermission[];
  serviceAccounts: EmulatedServiceAccount[];
  next: { user: number; org: number; team: number; dashboard: number; dataSource: number; permission: number; token: number };
}

export interface GrafanaEmulatorOptions {
  stateFile?: string;
  /** Enterprise/Cloud licence: data source permissions exist (`/api/access-control/datasources`). Default false (OSS). */
  enterprise?: boolean;
  /** Password of the built-in server admin `admin`. Default `admin`. */
  adminPassword?: string;
  /**
   * The access-control resource-permission API (Grafana 9+). False emulates Grafana 8 without
   * fine-grained access control: `/api/access-control/*` answers 404 and only the legacy
   * whole-list permission endpoints exist (with accurate `inherited` flags). Default true.
   */
  accessControlApi?: boolean;
  /** Data source permission names offered (Grafana < 10 had no `Admin`). Default Query, Edit, Admin. */
  dataSourcePermissions?: string[];
  /** Grafana's auto_assign_org: new users become Viewers of org 1. Default true. */
  autoAssignOrg?: boolean;
}

type Identity =
  | { kind: 'user'; user: EmulatedUser; orgId: number }
  | { kind: 'serviceAccount'; account: EmulatedServiceAccount; orgId: number };

/** Requests whose response is lost after the handler ran (see loseResponses). */
interface LostResponse {
  method?: string;
  path?: RegExp;
  status: number;
}

const json = (status: number, body: unknown): EmulatorResponse => ({ status, body });
const message = (status: number, text: string, extra: Record<string, unknown> = {}): EmulatorResponse => json(status, { message: text, ...extra });
const ok = (text: string, extra: Record<string, unknown> = {}) => message(200, text, extra);
const now = () => new Date().toISOString();
const lower = (text: string) => text.toLowerCase();
const newUid = () => randomBytes(7).toString('base64url').replace(/[-_]/g, 'x').slice(0, 14);

/** The RBAC denial body of Grafana 9+ [inf: shape from experience, text varies by version]. */
function accessDenied(action: string): EmulatorResponse {
  return json(403, {
    accessErrorId: `ACE${Math.floor(Math.random() * 1e10)}`,
    message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
    title: 'Access denied',
  });
}

/** errutil-style error body of the newer handlers. */
function errutil(status: number, messageId: string, text: string): EmulatorResponse {
  return json(status, { message: text, messageId, statusCode: status, traceID: '' });
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 ? value : undefined;
}

export class GrafanaEmulator extends Emulator<GrafanaState> implements RunnableEmulator {
  readonly enterprise: boolean;
  readonly accessControlApi: boolean;
  readonly dataSourcePermissionNames: string[];
  private readonly adminPassword: string;
  private readonly autoAssignOrg: boolean;
  private readonly identities = new WeakMap<EmulatorRequest, Identity>();
  private readonly lostResponses: LostResponse[] = [];

  constructor(options: GrafanaEmulatorOptions = {}) {
    super({ name: 'grafana', stateFile: options.stateFile });
    this.enterprise = options.enterprise ?? false;
    this.adminPassword = options.adminPassword ?? 'admin';
    this.accessControlApi = options.accessControlApi ?? true;
    this.dataSourcePermissionNames = options.dataSourcePermissions ?? ['Query', 'Edit', 'Admin'];
    this.autoAssignOrg = options.autoAssignOrg ?? true;
    this.registerUserRoutes();
    this.registerOrgRoutes();
    this.registerTeamRoutes();
    this.registerFolderAndDashboardRoutes();
    this.registerDataSourceRoutes();
    this.registerPermissionRoutes();
    this.registerServiceAccountRoutes();
  }

  protected initialState(): GrafanaState {
    const created = now();
    return {
      orgs: [{ id: 1, name: 'Main Org.' }],
      users: [
        { id: 1, uid: newUid(), login: 'admin', email: 'admin@localhost', name: '', password: this.adminPassword, isGrafanaAdmin: true, isDisabled: false, orgId: 1, created, updated: created },
      ],
      orgUsers: [{ orgId: 1, userId: 1, role: 'Admin' }],
      teams: [],
      teamMembers: [],
      folders: [],
      dashboards: [],
      dataSources: [],
      permissions: [],
      serviceAccounts: [],
      next: { user: 2, org: 2, team: 1, dashboard: 1, dataSource: 1, permission: 1, token: 1 },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers

  /** GRAFANA_URL and GRAFANA_AUTH (basic auth of the built-in server admin). */
  connectionEnvironment(): Record<string, string> {
    return { GRAFANA_URL: this.url, GRAFANA_AUTH: `admin:${this.adminPassword}` };
  }

  /** What exists, as an administrator would summarise it (the demo prints this). */
  describeContents(): string[] {
    const { users, orgUsers, teams, teamMembers, folders, dataSources, dashboards, permissions } = this.state;
    const login = (id: number) => users.find((user) => user.id === id)?.login ?? `user ${id}`;
    const teamName = (id: number) => teams.find((team) => team.id === id)?.name ?? `team ${id}`;
    const grants = (resource: PermissionResource, uid: string) =>
      permissions
        .filter((permission) => permission.resource === resource && permission.resourceUid === uid)
        .map((p) => `${p.userId !== undefined ? login(p.userId) : p.teamId !== undefined ? `team ${teamName(p.teamId)}` : `role ${p.builtInRole}`}: ${p.permission}`)
        .join(', ') || 'no grants';
    return [
      ...users.map((user) => `user ${user.login} <${user.email}>: ${orgUsers.filter((o) => o.userId === user.id).map((o) => `org ${o.orgId} ${o.role}`).join(', ') || 'no org'}`),
      ...teams.map((team) => {
        const members = teamMembers.filter((m) => m.teamId === team.id).map((m) => `${login(m.userId)}${m.permission === 4 ? ' (admin)' : ''}`);
        return `team ${team.name}: ${members.join(', ') || 'no members'}`;
      }),
      ...folders.map((folder) => `folder "${folder.title}": ${grants('folders', folder.uid)}`),
      ...dashboards.map((dashboard) => `dashboard "${dashboard.title}": ${grants('dashboards', dashboard.uid)}`),
      ...dataSources.map((dataSource) => `data source ${dataSource.name}: ${grants('datasources', dataSource.uid)}`),
    ];
  }

  /** `admin:<password>` of the built-in server admin. */
  get adminAuth(): string {
    return `admin:${this.adminPassword}`;
  }

  /** A service account with this org role and a token for it, as the service-account API would make. */
  createServiceAccountToken(role: OrgRole = 'Admin', orgId = 1): string {
    const account: EmulatedServiceAccount = { id: this.state.next.user++, uid: newUid(), orgId, name: `sa-${role.toLowerCase()}-${this.state.next.token}`, role, tokens: [] };
    const key = `glsa_${randomBytes(16).toString('hex')}`;
    account.tokens.push({ id: this.state.next.token++, name: `${account.name}-token`, key });
    this.state.serviceAccounts.push(account);
    return key;
  }

  /**
   * The next `count` requests matching the filter run their handler (the change happens) and
   * then answer `status` instead: a write whose response was lost, as after a proxy timeout.
   * (The base's faults answer without running the handler.)
   */
  loseResponses(count: number, filter: { method?: string; path?: RegExp } = {}, status = 500): void {
    for (let i = 0; i < count; i++) this.lostResponses.push({ method: filter.method?.toUpperCase(), path: filter.path, status });
  }

  /** Also drops responses still scheduled to be lost, so none carries over to the next test. */
  override clearFaults(): void {
    super.clearFaults();
    this.lostResponses.length = 0;
  }

  /** Users with the given login or email (case-insensitive); for duplicate checks in tests. */
  usersMatching(loginOrEmail: string): EmulatedUser[] {
    const wanted = lower(loginOrEmail);
    return this.state.users.filter((user) => lower(user.login) === wanted || lower(user.email) === wanted).map((user) => structuredClone(user));
  }

  teamMembersOf(teamId: number): EmulatedTeamMember[] {
    return this.state.teamMembers.filter((member) => member.teamId === teamId).map((member) => ({ ...member }));
  }

  /** The object's own (not inherited) managed permissions. */
  permissionsOf(resource: PermissionResource, uid: string): EmulatedPermission[] {
    return this.state.permissions.filter((p) => p.resource === resource && p.resourceUid === uid).map((p) => ({ ...p }));
  }

  // ---------------------------------------------------------------------------------------------
  // Routing, auth and org context

  /** Every route runs through here: lost-response injection after the handler. */
  protected override route(method: string, pattern: string, handler: RouteHandler): void {
    super.route(method, pattern, async (request) => {
      const response = await handler(request);
      const lost = this.takeLostResponse(request);
      return lost && response.status < 300 ? message(lost.status, 'Internal Server Error') : response;
    });
  }

  private takeLostResponse(request: EmulatorRequest): LostResponse | undefined {
    const index = this.lostResponses.findIndex((lost) => (!lost.method || lost.method === request.method) && (!lost.path || lost.path.test(request.path)));
    return index === -1 ? undefined : this.lostResponses.splice(index, 1)[0];
  }

  protected override authenticate(request: EmulatorRequest): EmulatorResponse | undefined {
    const header = String(request.headers.authorization ?? '');
    let identity: Identity | undefined;
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = lower(decoded.slice(0, colon));
      const user = this.state.users.find((candidate) => lower(candidate.login) === name || lower(candidate.email) === name);
      if (colon < 0 || !user || user.password !== decoded.slice(colon + 1) || user.isDisabled) return message(401, 'Invalid username or password');
      identity = { kind: 'user', user, orgId: user.orgId };
    } else if (/^bearer /i.test(header)) {
      const key = header.slice(7).trim();
      const account = this.state.serviceAccounts.find((candidate) => candidate.tokens.some((token) => token.key === key));
      if (!account) return message(401, 'Invalid API key');
      identity = { kind: 'serviceAccount', account, orgId: account.orgId };
    } else {
      return message(401, 'Unauthorized');
    }
    const requestedOrg = request.headers['x-grafana-org-id'];
    if (requestedOrg !== undefined) {
      const orgId = positiveInt(String(requestedOrg));
      if (orgId === undefined) return message(400, 'X-Grafana-Org-Id is invalid');
      if (identity.kind === 'serviceAccount' && orgId !== identity.orgId) {
        // [inf] The token's org is fixed; another org in the header is refused.
        return message(401, 'API key does not belong to the requested organization');
      }
      if (identity.kind === 'user') {
        // [inf] A user may only pick an org they belong to (server admins included).
        if (!this.membership(orgId, identity.user.id)) return message(403, 'You do not have access to the requested organization');
        identity.orgId = orgId;
      }
    }
    this.identities.set(request, identity);
    return undefined;
  }

  private identity(request: EmulatorRequest): Identity {
    const identity = this.identities.get(request);
    if (!identity) throw new Error('request reached a handler without authentication');
    return identity;
  }

  private isServerAdmin(identity: Identity): boolean {
    return identity.kind === 'user' && identity.user.isGrafanaAdmin;
  }

  private orgRole(identity: Identity): OrgRole {
    if (identity.kind === 'serviceAccount') return identity.account.role;
    return this.membership(identity.orgId, identity.user.id)?.role ?? 'None';
  }

  /** Global user and org administration: Grafana server admins only (never a service account). */
  private requireServerAdmin(request: EmulatorRequest, action: string): EmulatorResponse | undefined {
    return this.isServerAdmin(this.identity(request)) ? undefined : accessDenied(action);
  }

  /** Org-level work: at least `minimum` in the acting org; server admins may always. */
  private requireOrgRole(request: EmulatorRequest, minimum: OrgRole, action: string): EmulatorResponse | undefined {
    const identity = this.identity(request);
    if (this.isServerAdmin(identity)) return undefined;
    return ROLE_RANK[this.orgRole(identity)] >= ROLE_RANK[minimum] ? undefined : accessDenied(action);
  }

  private actingOrg(request: EmulatorRequest): number {
    return this.identity(request).orgId;
  }

  // ---------------------------------------------------------------------------------------------
  // Users (server admin)

  private registerUserRoutes(): void {
    this.route('GET', '/api/user', (request) => {
      const identity = this.identity(request);
      if (identity.kind === 'serviceAccount') {
        const account = identity.account;
        return json(200, { id: account.id, uid: account.uid, login: `sa-${account.name}`, email: `sa-${account.name}`, name: account.name, orgId: account.orgId, isGrafanaAdmin: false });
      }
      return json(200, { ...this.profile(identity.user), orgId: identity.orgId });
    });

    this.route('POST', '/api/admin/users', (request) => {
      const denied = this.requireServerAdmin(request, 'users:create');
      if (denied) return denied;
      const body = request.body;
      if (body === null || typeof body !== 'object') return message(400, 'bad request data');
      const email = typeof body.email === 'string' ? body.email : '';
      const login = typeof body.login === 'string' && body.login !== '' ? body.login : email;
      if (login === '' && email === '') return message(400, 'Validation error, need specify either username or email');
      if (typeof body.password !== 'string' || body.password.length < 4) return message(400, 'Password is missing or too short');
      if (this.state.users.some((user) => lower(user.email) === lower(email || login) || lower(user.login) === lower(login))) {
        return message(412, `User with email '${email}' or username '${login}' already exists`);
      }
      const requestedOrg = body.orgId ?? body.OrgId;
      let orgId = this.autoAssignOrg ? 1 : 0;
      if (requestedOrg !== undefined && requestedOrg !== null && this.autoAssignOrg) {
        if (!this.state.orgs.some((org) => org.id === Number(requestedOrg))) return message(400, 'organization not found');
        orgId = Number(requestedOrg);
      }
      const created = now();
      const user: EmulatedUser = {
        id: this.state.next.user++,
        uid: newUid(),
        login,
        email: email || login,
        name: typeof body.name === 'string' ? body.name : '',
        password: body.password,
        isGrafanaAdmin: false,
        isDisabled: false,
        orgId,
        created,
        updated: created,
      };
      this.state.users.push(user);
      if (orgId !== 0) this.state.orgUsers.push({ orgId, userId: user.id, role: 'Viewer' });
      return ok('User created', { id: user.id, uid: user.uid });
    });

    this.route('GET', '/api/users/lookup', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const wanted = lower(request.query.get('loginOrEmail') ?? '');
      const user = this.state.users.find((candidate) => lower(candidate.login) === wanted || lower(candidate.email) === wanted);
      if (!user) return message(404, 'user not found');
      const { id, email, name, login, orgId, isGrafanaAdmin, updated, created } = user;
      return json(200, { id, email, name, login, theme: '', orgId, isGrafanaAdmin, updatedAt: updated, createdAt: created });
    });

    this.route('GET', '/api/users/search', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const query = lower(request.query.get('query') ?? '');
      const matching = this.state.users
        .filter((user) => query === '' || [user.login, user.email, user.name].some((field) => lower(field).includes(query)))
        .sort((a, b) => a.login.localeCompare(b.login));
      const { page, perPage, items } = paginate(matching, request.query);
      return json(200, { totalCount: matching.length, users: items.map((user) => this.searchHit(user)), page, perPage });
    });

    this.route('GET', '/api/users', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const { items } = paginate([...this.state.users].sort((a, b) => a.login.localeCompare(b.login)), request.query);
      return json(200, items.map((user) => this.searchHit(user)));
    });

    this.route('GET', '/api/users/:id', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      return 'response' in found ? found.response : json(200, this.profile(found.user));
    });

    this.route('GET', '/api/users/:id/orgs', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      return json(
        200,
        this.state.orgUsers
          .filter((membership) => membership.userId === found.user.id)
          .map((membership) => ({ orgId: membership.orgId, name: this.state.orgs.find((org) => org.id === membership.orgId)?.name ?? '', role: membership.role })),
      );
    });

    this.route('GET', '/api/users/:id/teams', (request) => {
      const denied = this.requireServerAdmin(request, 'users:read');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      const teamIds = new Set(this.state.teamMembers.filter((member) => member.userId === found.user.id).map((member) => member.teamId));
      return json(200, this.state.teams.filter((team) => teamIds.has(team.id)).map((team) => this.teamDto(team)));
    });

    this.route('PUT', '/api/users/:id', (request) => {
      const denied = this.requireServerAdmin(request, 'users:write');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      const user = found.user;
      const body = request.body ?? {};
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      // Grafana's handleUpdateUser: an empty login becomes the email (updating a user without a login renames it to the email).
      const login = typeof body.login === 'string' && body.login.trim() !== '' ? body.login.trim() : email;
      if (login === '' && email === '') return message(400, 'Validation error, need to specify either username or email');
      const clashes = (value: string) =>
        value !== '' && this.state.users.some((other) => other.id !== user.id && (lower(other.login) === lower(value) || lower(other.email) === lower(value)));
      // [inf] An email clash is answered like a login clash (another reading: a 500).
      if (clashes(login) || clashes(email)) return message(409, 'Update would result in user login conflict');
      // Empty fields are left unchanged (the ORM skips zero values).
      if (email !== '') user.email = email;
      if (typeof body.name === 'string' && body.name !== '') user.name = body.name;
      user.login = login;
      user.updated = now();
      return ok('User updated');
    });

    this.route('PUT', '/api/admin/users/:id/password', (request) => {
      const denied = this.requireServerAdmin(request, 'users.password:write');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      const password = request.body?.password;
      if (typeof password !== 'string' || password.length < 4) return message(400, 'New password is too short');
      found.user.password = password;
      return ok('User password updated');
    });

    this.route('PUT', '/api/admin/users/:id/permissions', (request) => {
      const denied = this.requireServerAdmin(request, 'users.permissions:write');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      const wanted = request.body?.isGrafanaAdmin === true;
      if (!wanted && found.user.isGrafanaAdmin && this.state.users.filter((user) => user.isGrafanaAdmin).length === 1) {
        return message(400, 'cannot remove last grafana admin');
      }
      found.user.isGrafanaAdmin = wanted;
      return ok('User permissions updated');
    });

    for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
      this.route('POST', `/api/admin/users/:id/${action}`, (request) => {
        const denied = this.requireServerAdmin(request, `users:${action}`);
        if (denied) return denied;
        const found = this.userFromParam(request.params.id);
        if ('response' in found) return found.response;
        found.user.isDisabled = disabled;
        return ok(disabled ? 'User disabled' : 'User enabled');
      });
    }

    this.route('DELETE', '/api/admin/users/:id', (request) => {
      const denied = this.requireServerAdmin(request, 'users:delete');
      if (denied) return denied;
      const found = this.userFromParam(request.params.id);
      if ('response' in found) return found.response;
      this.deleteUser(found.user.id);
      return ok('User deleted');
    });
  }

  private userFromParam(raw: string): { user: EmulatedUser } | { response: EmulatorResponse } {
    const id = positiveInt(raw);
    if (id === undefined) return { response: message(400, 'id is invalid') };
    const user = this.state.users.find((candidate) => candidate.id === id);
    return user ? { user } : { response: message(404, 'user not found') };
  }

  private deleteUser(userId: number): void {
    this.state.users = this.state.users.filter((user) => user.id !== userId);
    this.state.orgUsers = this.state.orgUsers.filter((membership) => membership.userId !== userId);
    this.state.teamMembers = this.state.teamMembers.filter((member) => member.userId !== userId);
    this.state.permissions = this.state.permissions.filter((permission) => permission.userId !== userId);
  }

  private profile(user: EmulatedUser) {
    return {
      id: user.id,
      uid: user.uid,
      email: user.email,
      name: user.name,
      login: user.login,
      theme: '',
      orgId: user.orgId,
      isGrafanaAdmin: user.isGrafanaAdmin,
      isDisabled: user.isDisabled,
      isExternal: false,
      isExternallySynced: false,
      isGrafanaAdminExternallySynced: false,
      authLabels: [],
      updatedAt: user.updated,
      createdAt: user.created,
      avatarUrl: '/avatar/0',
      isProvisioned: false,
    };
  }

  private searchHit(user: EmulatedUser) {
    return {
      id: user.id,
      uid: user.uid,
      name: user.name,
      login: user.login,
      email: user.email,
      avatarUrl: '/avatar/0',
      isAdmin: user.isGrafanaAdmin,
      isDisabled: user.isDisabled,
      lastSeenAt: user.updated,
      lastSeenAtAge: '10 years',
      authLabels: [],
      isProvisioned: false,
      created: user.created,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Orgs and org users

  private membership(orgId: number, userId: number): EmulatedOrgUser | undefined {
    return this.state.orgUsers.find((membership) => membership.orgId === orgId && membership.userId === userId);
  }

  private registerOrgRoutes(): void {
    this.route('GET', '/api/org', (request) => {
      const org = this.state.orgs.find((candidate) => candidate.id === this.actingOrg(request));
      return org ? json(200, { id: org.id, name: org.name, address: {} }) : message(404, 'Organization not found');
    });

    this.route('GET', '/api/orgs', (request) => {
      const denied = this.requireServerAdmin(request, 'orgs:read');
      return denied ?? json(200, this.state.orgs.map((org) => ({ id: org.id, name: org.name })));
    });

    this.route('POST', '/api/orgs', (request) => {
      const identity = this.identity(request);
      if (identity.kind !== 'user') return accessDenied('orgs:create');
      const name = request.body?.name;
      if (typeof name !== 'string' || name === '') return message(400, 'bad request data');
      if (this.state.orgs.some((org) => lower(org.name) === lower(name))) return message(409, 'Organization name taken');
      const org = { id: this.state.next.org++, name };
      this.state.orgs.push(org);
      this.state.orgUsers.push({ orgId: org.id, userId: identity.user.id, role: 'Admin' });
      return ok('Organization created', { orgId: org.id });
    });

    // Admin variants: any org by id; removing a member never deletes the user.
    const orgFromParam = (raw: string): { org: EmulatedOrg } | { response: EmulatorResponse } => {
      const id = positiveInt(raw);
      if (id === undefined) return { response: message(400, 'orgId is invalid') };
      const org = this.state.orgs.find((candidate) => candidate.id === id);
      return org ? { org } : { response: message(404, 'Organization not found') };
    };
    this.route('GET', '/api/orgs/:orgId/users', (request) => {
      const denied = this.requireServerAdmin(request, 'org.users:read');
      if (denied) return denied;
      const found = orgFromParam(request.params.orgId);
      return 'response' in found ? found.response : json(200, this.orgUsers(found.org.id, ''));
    });
    this.route('POST', '/api/orgs/:orgId/users', (request) => {
      const denied = this.requireServerAdmin(request, 'org.users:add');
      if (denied) return denied;
      const found = orgFromParam(request.params.orgId);
      return 'response' in found ? found.response : this.addOrgUser(found.org.id, request.body);
    });
    this.route('PATCH', '/api/orgs/:orgId/users/:userId', (request) => {
      const denied = this.requireServerAdmin(request, 'org.users:write');
      if (denied) return denied;
      const found = orgFromParam(request.params.orgId);
      return 'response' in found ? found.response : this.updateOrgUser(found.org.id, request.params.userId, request.body);
    });
    this.route('DELETE', '/api/orgs/:orgId/users/:userId', (request) => {
      const denied = this.requireServerAdmin(request, 'org.users:remove');
      if (denied) return denied;
      const found = orgFromParam(request.params.orgId);
      return 'response' in found ? found.response : this.removeOrgUser(found.org.id, request.params.userId, false);
    });

    // Current-org variants (org admins and service accounts).
    this.route('GET', '/api/org/users', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:read');
      if (denied) return denied;
      const users = this.orgUsers(this.actingOrg(request), request.query.get('query') ?? '');
      const limit = positiveInt(request.query.get('limit') ?? undefined);
      return json(200, limit ? users.slice(0, limit) : users);
    });
    this.route('GET', '/api/org/users/search', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:read');
      if (denied) return denied;
      const users = this.orgUsers(this.actingOrg(request), request.query.get('query') ?? '');
      const { page, perPage, items } = paginate(users, request.query);
      return json(200, { orgUsers: items, totalCount: users.length, page, perPage });
    });
    this.route('GET', '/api/org/users/lookup', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:read');
      if (denied) return denied;
      const users = this.orgUsers(this.actingOrg(request), request.query.get('query') ?? '');
      const limit = positiveInt(request.query.get('limit') ?? undefined);
      return json(200, (limit ? users.slice(0, limit) : users).map((user) => ({ userId: user.userId, uid: user.uid, login: user.login, avatarUrl: user.avatarUrl })));
    });
    this.route('POST', '/api/org/users', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:add');
      return denied ?? this.addOrgUser(this.actingOrg(request), request.body);
    });
    this.route('PATCH', '/api/org/users/:userId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:write');
      return denied ?? this.updateOrgUser(this.actingOrg(request), request.params.userId, request.body);
    });
    this.route('DELETE', '/api/org/users/:userId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'org.users:remove');
      // ShouldDeleteOrphanedUser: the org route deletes a user removed from their last org.
      return denied ?? this.removeOrgUser(this.actingOrg(request), request.params.userId, true);
    });
  }

  private orgUsers(orgId: number, query: string) {
    const wanted = lower(query);
    return this.state.orgUsers
      .filter((membership) => membership.orgId === orgId)
      .map((membership) => ({ membership, user: this.state.users.find((user) => user.id === membership.userId) }))
      .filter((entry): entry is { membership: EmulatedOrgUser; user: EmulatedUser } => entry.user !== undefined)
      .filter(({ user }) => wanted === '' || [user.login, user.email, user.name].some((field) => lower(field).includes(wanted)))
      .sort((a, b) => a.user.login.localeCompare(b.user.login))
      .map(({ membership, user }) => ({
        orgId,
        userId: user.id,
        uid: user.uid,
        email: user.email,
        name: user.name,
        avatarUrl: '/avatar/0',
        login: user.login,
        role: membership.role,
        lastSeenAt: user.updated,
        lastSeenAtAge: '10 years',
        accessControl: {},
        authLabels: [],
        isDisabled: user.isDisabled,
        isExternallySynced: false,
        isProvisioned: false,
      }));
  }

  private addOrgUser(orgId: number, body: any): EmulatorResponse {
    const role = body?.role;
    if (!ORG_ROLES.includes(role)) return message(400, 'Invalid role specified');
    const wanted = lower(String(body?.loginOrEmail ?? ''));
    const user = this.state.users.find((candidate) => lower(candidate.login) === wanted || lower(candidate.email) === wanted);
    if (!user) return message(404, 'User not found');
    if (this.membership(orgId, user.id)) return message(409, 'User is already member of this organization', { userId: user.id });
    this.state.orgUsers.push({ orgId, userId: user.id, role });
    if (user.orgId === 0) user.orgId = orgId;
    return ok('User added to organization', { userId: user.id });
  }

  private updateOrgUser(orgId: number, rawUserId: string, body: any): EmulatorResponse {
    const userId = positiveInt(rawUserId);
    if (userId === undefined) return message(400, 'userId is invalid');
    const role = body?.role;
    if (!ORG_ROLES.includes(role)) return message(400, 'Invalid role specified');
    const membership = this.membership(orgId, userId);
    if (!membership) return message(404, 'user not found');
    if (membership.role === 'Admin' && role !== 'Admin' && this.isLastOrgAdmin(orgId)) {
      return message(400, 'Cannot change role so that there is no organization admin left');
    }
    membership.role = role;
    return ok('Organization user updated');
  }

  private removeOrgUser(orgId: number, rawUserId: string, deleteOrphan: boolean): EmulatorResponse {
    const userId = positiveInt(rawUserId);
    if (userId === undefined) return message(400, 'userId is invalid');
    const membership = this.membership(orgId, userId);
    // [inf] Removing a non-member: 404.
    if (!membership) return message(404, 'User not found');
    if (membership.role === 'Admin' && this.isLastOrgAdmin(orgId)) return message(400, 'Cannot remove last organization admin');
    this.state.orgUsers = this.state.orgUsers.filter((candidate) => candidate !== membership);
    const orgTeams = new Set(this.state.teams.filter((team) => team.orgId === orgId).map((team) => team.id));
    this.state.teamMembers = this.state.teamMembers.filter((member) => !(member.userId === userId && orgTeams.has(member.teamId)));
    this.state.permissions = this.state.permissions.filter((permission) => !(permission.userId === userId && permission.orgId === orgId));
    const user = this.state.users.find((candidate) => candidate.id === userId);
    const remaining = this.state.orgUsers.filter((candidate) => candidate.userId === userId);
    if (user && remaining.length === 0 && deleteOrphan) {
      this.deleteUser(userId);
      return ok('User deleted');
    }
    if (user && user.orgId === orgId) user.orgId = remaining[0]?.orgId ?? 0;
    return ok('User removed from organization');
  }

  private isLastOrgAdmin(orgId: number): boolean {
    return this.state.orgUsers.filter((membership) => membership.orgId === orgId && membership.role === 'Admin').length <= 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Teams

  private registerTeamRoutes(): void {
    this.route('GET', '/api/teams/search', (request) => {
      const denied = this.requireOrgRole(request, 'Viewer', 'teams:read');
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const query = lower(request.query.get('query') ?? '');
      const exactName = request.query.get('name');
      const matching = this.state.teams
        .filter((team) => team.orgId === orgId)
        .filter((team) => (exactName !== null ? team.name === exactName : query === '' || lower(team.name).includes(query)))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { page, perPage, items } = paginate(matching, request.query);
      return json(200, { totalCount: matching.length, teams: items.map((team) => this.teamDto(team)), page, perPage });
    });

    this.route('GET', '/api/teams/:teamId', (request) => {
      const denied = this.requireOrgRole(request, 'Viewer', 'teams:read');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      return 'response' in found ? found.response : json(200, this.teamDto(found.team));
    });

    this.route('POST', '/api/teams', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams:create');
      if (denied) return denied;
      const name = request.body?.name;
      if (typeof name !== 'string' || name.trim() === '') return message(400, 'bad request data');
      const orgId = this.actingOrg(request);
      // [inf] Exact-match uniqueness (case behaviour depends on the database collation).
      if (this.state.teams.some((team) => team.orgId === orgId && team.name === name)) return message(409, 'Team name taken');
      const team: EmulatedTeam = { id: this.state.next.team++, uid: newUid(), orgId, name, email: typeof request.body.email === 'string' ? request.body.email : '' };
      this.state.teams.push(team);
      // A user who creates a team becomes its admin; a service account does not.
      const identity = this.identity(request);
      if (identity.kind === 'user') this.state.teamMembers.push({ teamId: team.id, userId: identity.user.id, permission: 4 });
      return ok('Team created', { teamId: team.id, uid: team.uid });
    });

    this.route('PUT', '/api/teams/:teamId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams:write');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      const name = request.body?.name;
      if (typeof name !== 'string' || name.trim() === '') return message(400, 'bad request data');
      const team = found.team;
      // Taken on rename is a 400 (409 on create).
      if (this.state.teams.some((other) => other.id !== team.id && other.orgId === team.orgId && other.name === name)) return message(400, 'Team name taken');
      team.name = name;
      team.email = typeof request.body.email === 'string' ? request.body.email : '';
      return ok('Team updated');
    });

    this.route('DELETE', '/api/teams/:teamId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams:delete');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response.status === 404 ? message(404, 'Failed to delete Team. ID not found') : found.response;
      const teamId = found.team.id;
      this.state.teams = this.state.teams.filter((team) => team.id !== teamId);
      this.state.teamMembers = this.state.teamMembers.filter((member) => member.teamId !== teamId);
      this.state.permissions = this.state.permissions.filter((permission) => permission.teamId !== teamId);
      return ok('Team deleted');
    });

    this.route('GET', '/api/teams/:teamId/members', (request) => {
      const denied = this.requireOrgRole(request, 'Viewer', 'teams:read');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      return json(200, this.teamMembersOf(found.team.id).map((member) => this.teamMemberDto(found.team, member)).filter((dto) => dto !== undefined));
    });

    this.route('POST', '/api/teams/:teamId/members', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams.permissions:write');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      const userId = request.body?.userId;
      if (typeof userId !== 'number') return message(400, 'bad request data');
      if (!this.state.users.some((user) => user.id === userId)) return message(404, 'User not found');
      if (this.state.teamMembers.some((member) => member.teamId === found.team.id && member.userId === userId)) {
        return message(400, 'User is already added to this team');
      }
      this.state.teamMembers.push({ teamId: found.team.id, userId, permission: 0 });
      return ok('Member added to Team');
    });

    this.route('PUT', '/api/teams/:teamId/members/:userId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams.permissions:write');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      const member = this.state.teamMembers.find((candidate) => candidate.teamId === found.team.id && candidate.userId === positiveInt(request.params.userId));
      if (!member) return message(404, 'Team member not found.');
      const permission = request.body?.permission;
      if (permission !== 0 && permission !== 4) return message(400, 'bad request data');
      member.permission = permission;
      return ok('Team member updated');
    });

    this.route('DELETE', '/api/teams/:teamId/members/:userId', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams.permissions:write');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      const userId = positiveInt(request.params.userId);
      const before = this.state.teamMembers.length;
      this.state.teamMembers = this.state.teamMembers.filter((member) => !(member.teamId === found.team.id && member.userId === userId));
      // [inf] Some versions answer 200 for a non-member; this one says 404.
      return this.state.teamMembers.length === before ? message(404, 'Team member not found') : ok('Team Member removed');
    });

    // Full replace keyed by email: members not listed are removed.
    this.route('PUT', '/api/teams/:teamId/members', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'teams.permissions:write');
      if (denied) return denied;
      const found = this.teamFromParam(request);
      if ('response' in found) return found.response;
      const wanted = new Map<number, number>();
      for (const [list, permission] of [[request.body?.members, 0], [request.body?.admins, 4]] as const) {
        for (const email of Array.isArray(list) ? list : []) {
          const user = this.state.users.find((candidate) => lower(candidate.email) === lower(String(email)));
          if (!user) return message(404, `failed to find user with email ${email}`);
          wanted.set(user.id, permission);
        }
      }
      this.state.teamMembers = this.state.teamMembers.filter((member) => member.teamId !== found.team.id);
      for (const [userId, permission] of wanted) this.state.teamMembers.push({ teamId: found.team.id, userId, permission });
      return ok('Team memberships have been updated');
    });
  }

  /** `:teamId` is the numeric id or (12.x) the uid; only teams of the acting org are visible. */
  private teamFromParam(request: EmulatorRequest): { team: EmulatedTeam } | { response: EmulatorResponse } {
    const raw = request.params.teamId;
    const orgId = this.actingOrg(request);
    const id = positiveInt(raw);
    const team = this.state.teams.find((candidate) => candidate.orgId === orgId && (id !== undefined ? candidate.id === id : candidate.uid === raw));
    if (team) return { team };
    return { response: id === undefined && !/^[A-Za-z0-9_-]+$/.test(raw) ? message(400, 'teamId is invalid') : message(404, 'Team not found') };
  }

  private teamDto(team: EmulatedTeam) {
    return {
      id: team.id,
      uid: team.uid,
      orgId: team.orgId,
      name: team.name,
      email: team.email,
      avatarUrl: '/avatar/0',
      memberCount: this.state.teamMembers.filter((member) => member.teamId === team.id).length,
      permission: 0,
      accessControl: {},
      isProvisioned: false,
      externalUID: '',
    };
  }

  private teamMemberDto(team: EmulatedTeam, member: EmulatedTeamMember) {
    const user = this.state.users.find((candidate) => candidate.id === member.userId);
    if (!user) return undefined;
    return {
      orgId: team.orgId,
      teamId: team.id,
      teamUID: team.uid,
      userId: user.id,
      userUID: user.uid,
      auth_module: '',
      email: user.email,
      name: user.name,
      login: user.login,
      avatarUrl: '/avatar/0',
      labels: [],
      permission: member.permission,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Folders and dashboards

  private registerFolderAndDashboardRoutes(): void {
    this.route('POST', '/api/folders', (request) => {
      const denied = this.requireOrgRole(request, 'Editor', 'folders:create');
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const title = request.body?.title;
      if (typeof title !== 'string' || title.trim() === '') return message(400, 'folder title cannot be empty');
      const uid = typeof request.body.uid === 'string' && request.body.uid !== '' ? request.body.uid : newUid();
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) return message(400, 'uid contains illegal characters');
      if (this.state.folders.some((folder) => folder.orgId === orgId && folder.uid === uid)) return message(409, 'a folder with the same uid already exists');
      const parentUid = typeof request.body.parentUid === 'string' && request.body.parentUid !== '' ? request.body.parentUid : null;
      if (parentUid && !this.folder(orgId, parentUid)) return message(404, 'folder not found');
      if (this.state.folders.some((folder) => folder.orgId === orgId && folder.parentUid === parentUid && folder.title === title)) {
        return message(409, 'a folder with the same name already exists in the current location');
      }
      const folder: EmulatedFolder = { id: this.state.next.dashboard++, uid, orgId, title, parentUid };
      this.state.folders.push(folder);
      this.grantCreatorDefaults(request, 'folders', uid, parentUid === null);
      return json(200, this.folderDto(folder));
    });

    this.route('GET', '/api/folders', (request) => {
      const orgId = this.actingOrg(request);
      const parentUid = request.query.get('parentUid') || null;
      const folders = this.state.folders.filter((folder) => folder.orgId === orgId && folder.parentUid === parentUid).sort((a, b) => a.title.localeCompare(b.title));
      const { items } = paginate(folders, request.query, 'limit');
      return json(200, items.map((folder) => ({ id: folder.id, uid: folder.uid, title: folder.title, parentUid: folder.parentUid ?? undefined })));
    });

    this.route('GET', '/api/folders/:uid', (request) => {
      const folder = this.folder(this.actingOrg(request), request.params.uid);
      return folder ? json(200, this.folderDto(folder)) : message(404, 'folder not found');
    });

    this.route('DELETE', '/api/folders/:uid', (request) => {
      const denied = this.requireOrgRole(request, 'Editor', 'folders:delete');
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const folder = this.folder(orgId, request.params.uid);
      if (!folder) return message(404, 'folder not found');
      this.deleteFolderTree(folder);
      return ok('Folder deleted', { id: folder.id, title: folder.title });
    });

    this.route('POST', '/api/dashboards/db', (request) => {
      const denied = this.requireOrgRole(request, 'Editor', 'dashboards:create');
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const model = request.body?.dashboard;
      if (model === null || typeof model !== 'object' || typeof model.title !== 'string' || model.title.trim() === '') {
        return message(400, 'Dashboard title cannot be empty');
      }
      const folderUid = typeof request.body.folderUid === 'string' && request.body.folderUid !== '' ? request.body.folderUid : null;
      if (folderUid && !this.folder(orgId, folderUid)) return message(400, 'Folder not found');
      const uid = typeof model.uid === 'string' && model.uid !== '' ? model.uid : newUid();
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) return message(400, 'uid contains illegal characters');
      const existing = this.state.dashboards.find((dashboard) => dashboard.orgId === orgId && dashboard.uid === uid);
      if (existing) {
        if (request.body.overwrite !== true) return json(412, { message: 'A dashboard with the same uid already exists', status: 'name-exists' });
        existing.title = model.title;
        existing.folderUid = folderUid;
        existing.version++;
        return json(200, { id: existing.id, uid, url: `/d/${uid}/${slug(existing.title)}`, status: 'success', version: existing.version, slug: slug(existing.title) });
      }
      const dashboard: EmulatedDashboard = { id: this.state.next.dashboard++, uid, orgId, title: model.title, folderUid, version: 1 };
      this.state.dashboards.push(dashboard);
      this.grantCreatorDefaults(request, 'dashboards', uid, folderUid === null);
      return json(200, { id: dashboard.id, uid, url: `/d/${uid}/${slug(dashboard.title)}`, status: 'success', version: 1, slug: slug(dashboard.title) });
    });

    this.route('GET', '/api/dashboards/uid/:uid', (request) => {
      const dashboard = this.dashboard(this.actingOrg(request), request.params.uid);
      if (!dashboard) return message(404, 'Dashboard not found');
      const folder = dashboard.folderUid ? this.folder(dashboard.orgId, dashboard.folderUid) : undefined;
      return json(200, {
        dashboard: { id: dashboard.id, uid: dashboard.uid, title: dashboard.title, version: dashboard.version, panels: [] },
        meta: { isFolder: false, slug: slug(dashboard.title), url: `/d/${dashboard.uid}/${slug(dashboard.title)}`, folderId: folder?.id ?? 0, folderUid: folder?.uid ?? '', folderTitle: folder?.title ?? 'General' },
      });
    });

    this.route('DELETE', '/api/dashboards/uid/:uid', (request) => {
      const denied = this.requireOrgRole(request, 'Editor', 'dashboards:delete');
      if (denied) return denied;
      const dashboard = this.dashboard(this.actingOrg(request), request.params.uid);
      if (!dashboard) return message(404, 'Dashboard not found');
      this.state.dashboards = this.state.dashboards.filter((candidate) => candidate !== dashboard);
      this.state.permissions = this.state.permissions.filter((p) => !(p.resource === 'dashboards' && p.orgId === dashboard.orgId && p.resourceUid === dashboard.uid));
      return ok(`Dashboard ${dashboard.title} deleted`, { title: dashboard.title, id: dashboard.id });
    });

    this.route('GET', '/api/search', (request) => {
      const orgId = this.actingOrg(request);
      const type = request.query.get('type');
      const query = lower(request.query.get('query') ?? '');
      const folderUids = request.query.getAll('folderUIDs').flatMap((value) => value.split(',')).filter(Boolean);
      const dashboardUids = request.query.getAll('dashboardUIDs').flatMap((value) => value.split(',')).filter(Boolean);
      const hits: Array<Record<string, unknown>> = [];
      if (type !== 'dash-db') {
        for (const folder of this.state.folders.filter((candidate) => candidate.orgId === orgId)) {
          hits.push({ id: folder.id, uid: folder.uid, orgId, title: folder.title, uri: `db/${slug(folder.title)}`, url: `/dashboards/f/${folder.uid}/${slug(folder.title)}`, slug: slug(folder.title), type: 'dash-folder', tags: [], isStarred: false, folderUid: folder.parentUid ?? undefined, sortMeta: 0 });
        }
      }
      if (type !== 'dash-folder') {
        for (const dashboard of this.state.dashboards.filter((candidate) => candidate.orgId === orgId)) {
          const folder = dashboard.folderUid ? this.folder(orgId, dashboard.folderUid) : undefined;
          hits.push({
            id: dashboard.id,
            uid: dashboard.uid,
            orgId,
            title: dashboard.title,
            uri: `db/${slug(dashboard.title)}`,
            url: `/d/${dashboard.uid}/${slug(dashboard.title)}`,
            slug: slug(dashboard.title),
            type: 'dash-db',
            tags: [],
            isStarred: false,
            folderId: folder?.id,
            folderUid: folder?.uid,
            folderTitle: folder?.title,
            folderUrl: folder ? `/dashboards/f/${folder.uid}/${slug(folder.title)}` : undefined,
            sortMeta: 0,
          });
        }
      }
      const filtered = hits
        .filter((hit) => query === '' || lower(String(hit.title)).includes(query))
        .filter((hit) => folderUids.length === 0 || folderUids.includes(String(hit.folderUid ?? 'general')))
        .filter((hit) => dashboardUids.length === 0 || dashboardUids.includes(String(hit.uid)))
        .sort((a, b) => String(a.title).localeCompare(String(b.title)));
      return json(200, paginate(filtered, request.query, 'limit').items);
    });
  }

  private folder(orgId: number, uid: string): EmulatedFolder | undefined {
    return this.state.folders.find((folder) => folder.orgId === orgId && folder.uid === uid);
  }

  private dashboard(orgId: number, uid: string): EmulatedDashboard | undefined {
    return this.state.dashboards.find((dashboard) => dashboard.orgId === orgId && dashboard.uid === uid);
  }

  private folderDto(folder: EmulatedFolder) {
    const parents: Array<{ uid: string; title: string }> = [];
    for (let parent = folder.parentUid ? this.folder(folder.orgId, folder.parentUid) : undefined; parent; parent = parent.parentUid ? this.folder(folder.orgId, parent.parentUid) : undefined) {
      parents.unshift({ uid: parent.uid, title: parent.title });
    }
    return { id: folder.id, uid: folder.uid, orgId: folder.orgId, title: folder.title, url: `/dashboards/f/${folder.uid}/${slug(folder.title)}`, parentUid: folder.parentUid ?? undefined, parents, version: 1 };
  }

  private deleteFolderTree(folder: EmulatedFolder): void {
    for (const child of this.state.folders.filter((candidate) => candidate.orgId === folder.orgId && candidate.parentUid === folder.uid)) this.deleteFolderTree(child);
    const dashboards = new Set(this.state.dashboards.filter((d) => d.orgId === folder.orgId && d.folderUid === folder.uid).map((d) => d.uid));
    this.state.dashboards = this.state.dashboards.filter((d) => !(d.orgId === folder.orgId && dashboards.has(d.uid)));
    this.state.folders = this.state.folders.filter((candidate) => candidate !== folder);
    this.state.permissions = this.state.permissions.filter(
      (p) => !(p.orgId === folder.orgId && ((p.resource === 'folders' && p.resourceUid === folder.uid) || (p.resource === 'dashboards' && dashboards.has(p.resourceUid)))),
    );
  }

  /** New dashboards and folders: the creating user gets Admin; at the root, Viewer→View and Editor→Edit too. */
  private grantCreatorDefaults(request: EmulatorRequest, resource: PermissionResource, uid: string, atRoot: boolean): void {
    const identity = this.identity(request);
    const orgId = this.actingOrg(request);
    if (identity.kind === 'user') this.upsertPermission(orgId, resource, uid, { userId: identity.user.id }, 'Admin');
    if (atRoot) {
      this.upsertPermission(orgId, resource, uid, { builtInRole: 'Editor' }, 'Edit');
      this.upsertPermission(orgId, resource, uid, { builtInRole: 'Viewer' }, 'View');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Data sources

  private registerDataSourceRoutes(): void {
    this.route('POST', '/api/datasources', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'datasources:create');
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const { name, type } = request.body ?? {};
      if (typeof name !== 'string' || name === '' || typeof type !== 'string' || type === '') return message(400, 'bad request data');
      if (this.state.dataSources.some((source) => source.orgId === orgId && source.name === name)) return message(409, 'data source with the same name already exists');
      const uid = typeof request.body.uid === 'string' && request.body.uid !== '' ? request.body.uid : newUid();
      if (this.state.dataSources.some((source) => source.orgId === orgId && source.uid === uid)) return message(409, 'data source with the same uid already exists');
      const source: EmulatedDataSource = { id: this.state.next.dataSource++, uid, orgId, name, type };
      this.state.dataSources.push(source);
      return ok('Datasource added', { id: source.id, name, datasource: this.dataSourceDto(source) });
    });
    this.route('GET', '/api/datasources', (request) => {
      const orgId = this.actingOrg(request);
      return json(200, this.state.dataSources.filter((source) => source.orgId === orgId).map((source) => this.dataSourceDto(source)));
    });
    this.route('GET', '/api/datasources/uid/:uid', (request) => {
      const source = this.state.dataSources.find((candidate) => candidate.orgId === this.actingOrg(request) && candidate.uid === request.params.uid);
      return source ? json(200, this.dataSourceDto(source)) : message(404, 'Data source not found');
    });
    this.route('GET', '/api/datasources/name/:name', (request) => {
      const source = this.state.dataSources.find((candidate) => candidate.orgId === this.actingOrg(request) && candidate.name === request.params.name);
      return source ? json(200, this.dataSourceDto(source)) : message(404, 'Data source not found');
    });
    this.route('DELETE', '/api/datasources/uid/:uid', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'datasources:delete');
      if (denied) return denied;
      const source = this.state.dataSources.find((candidate) => candidate.orgId === this.actingOrg(request) && candidate.uid === request.params.uid);
      if (!source) return message(404, 'Data source not found');
      this.state.dataSources = this.state.dataSources.filter((candidate) => candidate !== source);
      this.state.permissions = this.state.permissions.filter((p) => !(p.resource === 'datasources' && p.orgId === source.orgId && p.resourceUid === source.uid));
      return ok('Data source deleted', { id: source.id });
    });
  }

  private dataSourceDto(source: EmulatedDataSource) {
    return { id: source.id, uid: source.uid, orgId: source.orgId, name: source.name, type: source.type, typeName: source.type, access: 'proxy', url: '', isDefault: false, readOnly: false, jsonData: {} };
  }

  // ---------------------------------------------------------------------------------------------
  // Permissions: legacy whole list and access-control per assignee

  private registerPermissionRoutes(): void {
    for (const [prefix, resource] of [['/api/dashboards/uid/:uid/permissions', 'dashboards'], ['/api/folders/:uid/permissions', 'folders']] as const) {
      this.route('GET', prefix, (request) => {
        const denied = this.requireOrgRole(request, 'Admin', `${resource}.permissions:read`);
        if (denied) return denied;
        const orgId = this.actingOrg(request);
        const target = this.permissionTarget(orgId, resource, request.params.uid);
        if (!target) return message(404, resource === 'dashboards' ? 'Dashboard not found' : 'folder not found');
        return json(200, this.effectivePermissions(orgId, resource, request.params.uid).map(({ permission, inherited }) => this.legacyItem(permission, target, inherited)));
      });
      this.route('POST', prefix, (request) => {
        const denied = this.requireOrgRole(request, 'Admin', `${resource}.permissions:write`);
        if (denied) return denied;
        const orgId = this.actingOrg(request);
        const uid = request.params.uid;
        if (!this.permissionTarget(orgId, resource, uid)) return message(404, resource === 'dashboards' ? 'Dashboard not found' : 'folder not found');
        const items = request.body?.items;
        if (!Array.isArray(items)) return message(400, 'bad request data');
        const commands: Array<{ assignee: Assignee; permission: string }> = [];
        for (const item of items) {
          const userId = item?.userId || undefined;
          const teamId = item?.teamId || undefined;
          const role = item?.role || undefined;
          // The two messages are swapped relative to their condition in Grafana's source; kept literally.
          if (userId && teamId) return message(400, 'team and user permissions cannot have an associated role');
          if ((userId || teamId) && role) return message(400, 'permissions cannot have both a user and team');
          const name = LEGACY_NAMES[item?.permission];
          if (!name) return message(400, 'bad request data');
          const assignee: Assignee = userId ? { userId } : teamId ? { teamId } : { builtInRole: role };
          const problem = this.checkAssignee(orgId, assignee);
          if (problem) return problem;
          commands.push({ assignee, permission: name });
        }
        // Full replace of the object's own managed entries; inherited ones are not touched.
        this.state.permissions = this.state.permissions.filter((p) => !(p.orgId === orgId && p.resource === resource && p.resourceUid === uid));
        for (const command of commands) this.upsertPermission(orgId, resource, uid, command.assignee, command.permission);
        return ok(resource === 'dashboards' ? 'Dashboard permissions updated' : 'Folder permissions updated');
      });
    }

    this.route('GET', '/api/access-control/:resource/description', (request) => {
      const resource = this.accessControlResource(request.params.resource);
      if (!resource) return message(404, 'Not found');
      if (resource === 'teams') {
        return json(200, { assignments: { users: true, serviceAccounts: false, teams: false, builtInRoles: false }, permissions: ['Member', 'Admin'] });
      }
      return json(200, { assignments: { users: true, serviceAccounts: true, teams: true, builtInRoles: true }, permissions: this.vocabulary(resource) });
    });

    this.route('GET', '/api/access-control/:resource/:resourceId', (request) => {
      const resource = this.accessControlResource(request.params.resource);
      if (!resource) return message(404, 'Not found');
      const denied = this.requireOrgRole(request, 'Admin', `${resource}.permissions:read`);
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      if (resource === 'teams') {
        const team = this.state.teams.find((candidate) => candidate.orgId === orgId && String(candidate.id) === request.params.resourceId);
        if (!team) return message(404, 'Not found');
        return json(
          200,
          this.teamMembersOf(team.id).map((member) => {
            const user = this.state.users.find((candidate) => candidate.id === member.userId);
            return this.accessControlEntry({ id: 0, orgId, resource: 'dashboards', resourceUid: '', userId: member.userId, permission: member.permission === 4 ? 'Admin' : 'Member', created: '', updated: '' }, false, `managed:users:${user?.id}:permissions`, ['teams:read']);
          }),
        );
      }
      if (!this.permissionTarget(orgId, resource, request.params.resourceId)) return message(404, 'Not found');
      const entries = this.effectivePermissions(orgId, resource, request.params.resourceId).map(({ permission, inherited }) => this.accessControlEntry(permission, inherited));
      // Non-managed entries are part of the list too (clients must filter on isManaged).
      entries.push({ ...this.accessControlEntry({ id: 0, orgId, resource, resourceUid: '', builtInRole: 'Admin', permission: 'Admin', created: '', updated: '' }, false, 'basic:admin'), isManaged: false });
      return json(200, entries);
    });

    for (const kind of ['users', 'teams', 'builtInRoles'] as const) {
      this.route('POST', `/api/access-control/:resource/:resourceId/${kind}/:assignee`, (request) => {
        const resource = this.accessControlResource(request.params.resource);
        if (!resource) return message(404, 'Not found');
        const denied = this.requireOrgRole(request, 'Admin', `${resource}.permissions:write`);
        if (denied) return denied;
        const orgId = this.actingOrg(request);
        const permission = request.body?.permission;
        if (typeof permission !== 'string') return message(400, 'bad request data');
        const raw = request.params.assignee;
        if (resource === 'teams') return this.setTeamPermission(request, kind, raw, permission);
        const assignee: Assignee | undefined =
          kind === 'users' ? (positiveInt(raw) ? { userId: positiveInt(raw) } : undefined) : kind === 'teams' ? (positiveInt(raw) ? { teamId: positiveInt(raw) } : undefined) : { builtInRole: raw };
        if (!assignee) return message(400, `${kind === 'users' ? 'userID' : 'teamID'} is invalid`);
        const uid = request.params.resourceId;
        if (!this.permissionTarget(orgId, resource, uid)) return message(404, 'Not found');
        // Grafana's per-assignee handlers answer any refusal of the service (an assignee outside
        // the org, a permission it does not know) with 400 and one message per assignee kind.
        if (this.checkAssignee(orgId, assignee) ?? this.checkPermissionName(resource, permission)) {
          return message(400, `failed to set ${kind === 'users' ? 'user' : kind === 'teams' ? 'team' : 'role'} permission`);
        }
        if (permission === '') {
          this.removePermission(orgId, resource, uid, assignee);
          return ok('Permission removed');
        }
        this.upsertPermission(orgId, resource, uid, assignee, permission);
        return ok('Permission updated');
      });
    }

    // Bulk: applies the listed commands only ("" removes); unlisted assignees are untouched.
    this.route('POST', '/api/access-control/:resource/:resourceId', (request) => {
      const resource = this.accessControlResource(request.params.resource);
      if (!resource || resource === 'teams') return message(404, 'Not found');
      const denied = this.requireOrgRole(request, 'Admin', `${resource}.permissions:write`);
      if (denied) return denied;
      const orgId = this.actingOrg(request);
      const uid = request.params.resourceId;
      if (!this.permissionTarget(orgId, resource, uid)) return message(404, 'Not found');
      const list = request.body?.permissions;
      if (!Array.isArray(list)) return message(400, 'bad request data');
      const commands: Array<{ assignee: Assignee; permission: string }> = [];
      for (const item of list) {
        const assignee: Assignee = item?.userId ? { userId: item.userId } : item?.teamId ? { teamId: item.teamId } : { builtInRole: item?.builtInRole };
        const permission = typeof item?.permission === 'string' ? item.permission : undefined;
        if (permission === undefined) return message(400, 'bad request data');
        // Everything is validated before anything is written.
        const problem = this.checkAssignee(orgId, assignee) ?? this.checkPermissionName(resource, permission);
        if (problem) return problem;
        commands.push({ assignee, permission });
      }
      for (const { assignee, permission } of commands) {
        if (permission === '') this.removePermission(orgId, resource, uid, assignee);
        else this.upsertPermission(orgId, resource, uid, assignee, permission);
      }
      return ok('Permissions updated');
    });
  }

  /** Which access-control resources this Grafana offers (none without the API; data sources only with a licence). */
  private accessControlResource(name: string): PermissionResource | 'teams' | undefined {
    if (!this.accessControlApi) return undefined;
    if (name === 'dashboards' || name === 'folders' || name === 'teams') return name;
    if (name === 'datasources' && this.enterprise) return name;
    return undefined;
  }

  private vocabulary(resource: PermissionResource): string[] {
    return resource === 'datasources' ? this.dataSourcePermissionNames : ['View', 'Edit', 'Admin'];
  }

  private setTeamPermission(request: EmulatorRequest, kind: string, raw: string, permission: string): EmulatorResponse {
    const orgId = this.actingOrg(request);
    const team = this.state.teams.find((candidate) => candidate.orgId === orgId && String(candidate.id) === request.params.resourceId);
    if (!team) return message(404, 'Not found');
    if (kind !== 'users') return errutil(400, 'resourcePermissions.invalidAssignment', 'invalid assignment');
    const userId = positiveInt(raw);
    if (!userId || !this.state.users.some((user) => user.id === userId)) return errutil(404, 'resourcePermissions.assignmentEntityNotFound', 'user not found');
    const existing = this.state.teamMembers.find((member) => member.teamId === team.id && member.userId === userId);
    if (permission === '') {
      if (!existing) return message(404, 'Team member not found');
      this.state.teamMembers = this.state.teamMembers.filter((member) => member !== existing);
      return ok('Permission removed');
    }
    if (permission !== 'Member' && permission !== 'Admin') return errutil(400, 'resourcePermissions.invalidPermission', `invalid permission: ${permission}`);
    if (existing) existing.permission = permission === 'Admin' ? 4 : 0;
    else this.state.teamMembers.push({ teamId: team.id, userId, permission: permission === 'Admin' ? 4 : 0 });
    return ok('Permission updated');
  }

  private permissionTarget(orgId: number, resource: PermissionResource, uid: string): { id: number; uid: string; title: string; folderUid: string | null } | undefined {
    if (resource === 'dashboards') {
      const dashboard = this.dashboard(orgId, uid);
      return dashboard && { id: dashboard.id, uid, title: dashboard.title, folderUid: dashboard.folderUid };
    }
    if (resource === 'folders') {
      const folder = this.folder(orgId, uid);
      return folder && { id: folder.id, uid, title: folder.title, folderUid: folder.parentUid };
    }
    const source = this.state.dataSources.find((candidate) => candidate.orgId === orgId && candidate.uid === uid);
    return source && { id: source.id, uid, title: source.name, folderUid: null };
  }

  /** The object's own entries, then those of every parent folder (inherited). */
  private effectivePermissions(orgId: number, resource: PermissionResource, uid: string): Array<{ permission: EmulatedPermission; inherited: boolean }> {
    const own = this.state.permissions.filter((p) => p.orgId === orgId && p.resource === resource && p.resourceUid === uid).map((permission) => ({ permission, inherited: false }));
    if (resource === 'datasources') return own;
    const inherited: Array<{ permission: EmulatedPermission; inherited: boolean }> = [];
    let parentUid = this.permissionTarget(orgId, resource, uid)?.folderUid ?? null;
    for (let depth = 0; parentUid && depth < 16; depth++) {
      const parent = parentUid;
      inherited.push(...this.state.permissions.filter((p) => p.orgId === orgId && p.resource === 'folders' && p.resourceUid === parent).map((permission) => ({ permission, inherited: true })));
      parentUid = this.folder(orgId, parent)?.parentUid ?? null;
    }
    return [...own, ...inherited];
  }

  private legacyItem(permission: EmulatedPermission, target: { id: number; uid: string; title: string; folderUid: string | null }, inherited: boolean) {
    const user = permission.userId ? this.state.users.find((candidate) => candidate.id === permission.userId) : undefined;
    const team = permission.teamId ? this.state.teams.find((candidate) => candidate.id === permission.teamId) : undefined;
    const folder = target.folderUid ? this.state.folders.find((candidate) => candidate.uid === target.folderUid && candidate.orgId === permission.orgId) : undefined;
    return {
      dashboardId: target.id,
      folderId: folder?.id ?? 0,
      folderUid: folder?.uid ?? '',
      created: permission.created,
      updated: permission.updated,
      userId: user?.id ?? 0,
      userUid: user?.uid ?? '',
      userLogin: user?.login ?? '',
      userEmail: user?.email ?? '',
      userAvatarUrl: user ? '/avatar/0' : '',
      teamId: team?.id ?? 0,
      teamUid: team?.uid ?? '',
      team: team?.name ?? '',
      teamEmail: team?.email ?? '',
      teamAvatarUrl: team ? '/avatar/0' : '',
      role: permission.builtInRole,
      permission: LEGACY_LEVELS[permission.permission] ?? 0,
      permissionName: permission.permission,
      uid: target.uid,
      title: target.title,
      slug: slug(target.title),
      isFolder: permission.resource === 'folders',
      url: permission.resource === 'folders' ? `/dashboards/f/${target.uid}` : `/d/${target.uid}`,
      // Grafana 9+ reports every item as not inherited, folder grants included; Grafana 8's
      // ACL tables (emulated with accessControlApi: false) flagged them correctly.
      inherited: this.accessControlApi ? false : inherited,
    };
  }

  private accessControlEntry(permission: EmulatedPermission, inherited: boolean, roleName?: string, actions?: string[]) {
    const user = permission.userId ? this.state.users.find((candidate) => candidate.id === permission.userId) : undefined;
    const account = permission.userId ? this.state.serviceAccounts.find((candidate) => candidate.id === permission.userId) : undefined;
    const team = permission.teamId ? this.state.teams.find((candidate) => candidate.id === permission.teamId) : undefined;
    const assigneeRole = permission.userId ? `managed:users:${permission.userId}:permissions` : permission.teamId ? `managed:teams:${permission.teamId}:permissions` : `managed:builtins:${lower(permission.builtInRole ?? '')}:permissions`;
    return {
      id: permission.id,
      roleName: roleName ?? assigneeRole,
      isManaged: true,
      isInherited: inherited,
      isServiceAccount: account !== undefined,
      userId: permission.userId ?? 0,
      userUid: user?.uid ?? account?.uid ?? '',
      userLogin: user?.login ?? (account ? `sa-${account.name}` : ''),
      userAvatarUrl: permission.userId ? '/avatar/0' : '',
      team: team?.name ?? '',
      teamId: permission.teamId ?? 0,
      teamUid: team?.uid ?? '',
      teamAvatarUrl: team ? '/avatar/0' : '',
      builtInRole: permission.builtInRole ?? '',
      actions: actions ?? [`${permission.resource}:read`],
      permission: permission.permission,
    };
  }

  private checkAssignee(orgId: number, assignee: Assignee): EmulatorResponse | undefined {
    if (assignee.userId !== undefined) {
      const isMember = this.membership(orgId, assignee.userId) || this.state.serviceAccounts.some((account) => account.id === assignee.userId && account.orgId === orgId);
      // [inf] Entity-not-found is a 404 errutil error; the exact status was not verified.
      if (!isMember) return errutil(404, 'resourcePermissions.assignmentEntityNotFound', 'user not found');
    } else if (assignee.teamId !== undefined) {
      if (!this.state.teams.some((team) => team.id === assignee.teamId && team.orgId === orgId)) return errutil(404, 'resourcePermissions.assignmentEntityNotFound', 'team not found');
    } else if (!BUILT_IN_ROLES.includes(String(assignee.builtInRole))) {
      return errutil(400, 'resourcePermissions.invalidAssignment', `invalid built-in role: ${assignee.builtInRole}`);
    }
    return undefined;
  }

  private checkPermissionName(resource: PermissionResource, permission: string): EmulatorResponse | undefined {
    if (permission === '' || this.vocabulary(resource).includes(permission)) return undefined;
    return errutil(400, 'resourcePermissions.invalidPermission', `invalid permission: ${permission}`);
  }

  private findPermission(orgId: number, resource: PermissionResource, uid: string, assignee: Assignee): EmulatedPermission | undefined {
    return this.state.permissions.find(
      (p) => p.orgId === orgId && p.resource === resource && p.resourceUid === uid && p.userId === assignee.userId && p.teamId === assignee.teamId && p.builtInRole === assignee.builtInRole,
    );
  }

  private upsertPermission(orgId: number, resource: PermissionResource, uid: string, assignee: Assignee, permission: string): void {
    const existing = this.findPermission(orgId, resource, uid, assignee);
    const stamp = now();
    if (existing) {
      existing.permission = permission;
      existing.updated = stamp;
      return;
    }
    const entry: EmulatedPermission = { id: this.state.next.permission++, orgId, resource, resourceUid: uid, permission, created: stamp, updated: stamp };
    if (assignee.userId !== undefined) entry.userId = assignee.userId;
    if (assignee.teamId !== undefined) entry.teamId = assignee.teamId;
    if (assignee.builtInRole !== undefined) entry.builtInRole = assignee.builtInRole;
    this.state.permissions.push(entry);
  }

  private removePermission(orgId: number, resource: PermissionResource, uid: string, assignee: Assignee): void {
    const existing = this.findPermission(orgId, resource, uid, assignee);
    if (existing) this.state.permissions = this.state.permissions.filter((p) => p !== existing);
  }

  // ---------------------------------------------------------------------------------------------
  // Service accounts

  private registerServiceAccountRoutes(): void {
    this.route('POST', '/api/serviceaccounts', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'serviceaccounts:create');
      if (denied) return denied;
      const name = request.body?.name;
      const role = request.body?.role ?? 'Viewer';
      if (typeof name !== 'string' || name === '' || !ORG_ROLES.includes(role)) return message(400, 'bad request data');
      const orgId = this.actingOrg(request);
      if (this.state.serviceAccounts.some((account) => account.orgId === orgId && account.name === name)) return message(400, 'service account already exists');
      const account: EmulatedServiceAccount = { id: this.state.next.user++, uid: newUid(), orgId, name, role, tokens: [] };
      this.state.serviceAccounts.push(account);
      return json(201, { id: account.id, uid: account.uid, name, login: `sa-${name}`, orgId, isDisabled: false, role, tokens: 0, avatarUrl: '/avatar/0' });
    });
    this.route('POST', '/api/serviceaccounts/:id/tokens', (request) => {
      const denied = this.requireOrgRole(request, 'Admin', 'serviceaccounts:write');
      if (denied) return denied;
      const account = this.state.serviceAccounts.find((candidate) => candidate.id === positiveInt(request.params.id) && candidate.orgId === this.actingOrg(request));
      if (!account) return message(404, 'service account not found');
      const name = typeof request.body?.name === 'string' ? request.body.name : `token-${this.state.next.token}`;
      const token = { id: this.state.next.token++, name, key: `glsa_${randomBytes(16).toString('hex')}` };
      account.tokens.push(token);
      return json(200, token);
    });
  }
}

interface Assignee {
  userId?: number;
  teamId?: number;
  builtInRole?: string;
}

/** Grafana's page/perpage (or page/limit) pagination; perpage defaults to 1000. */
function paginate<T>(items: T[], query: URLSearchParams, sizeParameter = 'perpage'): { page: number; perPage: number; items: T[] } {
  const perPage = positiveInt(query.get(sizeParameter) ?? undefined) ?? 1000;
  const page = positiveInt(query.get('page') ?? undefined) ?? 1;
  return { page, perPage, items: items.slice((page - 1) * perPage, page * perPage) };
}

function slug(title: string): string {
  return lower(title).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
