// The Grafana resource handlers against the emulator, called directly (no Terraform): creates
// never duplicate, a create that fails part-way records what exists, unmanaged grants survive,
// reads share list calls, and every version difference takes its own path.
import { AttributeError, type ResourceDefinition } from '../../src/framework/definitions';
import { silentLogger } from '../../src/framework/log';
import { UNKNOWN, type CtyValue } from '../../src/protocol/values';
import type { GrafanaApi as GrafanaClient } from '../../src/vendors/grafana/client';
import { dashboardPermission } from '../../src/vendors/grafana/dashboard-permission';
import { dataSourcePermission } from '../../src/vendors/grafana/data-source-permission';
import { dashboardLookup } from '../../src/vendors/grafana/data-dashboard';
import { userLookup } from '../../src/vendors/grafana/data-user';
import { GrafanaEmulator, type GrafanaEmulatorOptions } from '../../src/vendors/grafana/emulator';
import { folderPermission } from '../../src/vendors/grafana/folder-permission';
import { orgMember } from '../../src/vendors/grafana/org-member';
import { team } from '../../src/vendors/grafana/team';
import { teamMember } from '../../src/vendors/grafana/team-member';
import { user } from '../../src/vendors/grafana/user';
import { grafana } from '../../src/vendors/grafana/vendor';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';
import { handlerContext, type TestContext } from '../support/handler-context';

type Model = Record<string, CtyValue>;

const running: GrafanaEmulator[] = [];
afterAll(async () => {
  for (const emulator of running) await emulator.stop();
});

async function start(options: GrafanaEmulatorOptions = {}) {
  const emulator = new GrafanaEmulator(options);
  running.push(emulator);
  const url = await emulator.start();
  const connect = (auth: string, orgId: number | null = null) =>
    grafana.connect({ url, auth, org_id: orgId === null ? null : String(orgId) }, { log: silentLogger, signal: new AbortController().signal, userAgent: 'test' });
  return { emulator, url, admin: grafanaApi(url, emulator.adminAuth), context: handlerContext(connect(emulator.adminAuth)), connect };
}

type Context = TestContext<GrafanaClient>;
/** The context as the handlers of `definition` get it (its type name in messages). */
const as = (definition: ResourceDefinition, context: Context): Context => Object.assign(Object.create(context), { typeName: definition.typeName, importCommand: (id: string) => `terraform import ${definition.typeName}.<name> ${id}` });
const create = (definition: ResourceDefinition, context: Context, planned: Model) => definition.create(as(definition, context), planned) as Promise<Model>;
const read = (definition: ResourceDefinition, context: Context, current: Model) => definition.read(as(definition, context), current) as Promise<Model | null>;
const update = (definition: ResourceDefinition, context: Context, prior: Model, planned: Model) => definition.update!(as(definition, context), prior, planned) as Promise<Model>;
const remove = (definition: ResourceDefinition, context: Context, current: Model) => definition.delete(as(definition, context), current);

const newUser = (login: string, extra: Model = {}): Model => ({ id: UNKNOWN, uid: UNKNOWN, email: `${login}@example.com`, login: null, name: UNKNOWN, password: 'password1', is_admin: false, ...extra });
const newGrant = (extra: Model): Model => ({ id: UNKNOWN, user_id: null, team_id: null, role: null, ...extra });

async function makeUser(admin: GrafanaApi, login: string): Promise<number> {
  return (await admin.ok('POST', '/api/admin/users', { login, email: `${login}@example.com`, password: 'password1' })).id;
}

describe('biaccess_grafana_user', () => {
  test('a create whose response was lost is not repeated: the user is found by login', async () => {
    const { emulator, context } = await start();
    emulator.loseResponses(1, { method: 'POST', path: /^\/api\/admin\/users$/ });
    const created = await create(user, context, newUser('lost'));
    expect(emulator.usersMatching('lost@example.com')).toHaveLength(1);
    expect(created).toMatchObject({ id: String(emulator.usersMatching('lost@example.com')[0].id), uid: expect.any(String), name: '' });
    expect(emulator.countRequests({ method: 'POST', path: '/api/admin/users' })).toBe(1);
  });

  test('an existing login or email is refused with an import hint, naming the attribute', async () => {
    const { admin, context } = await start();
    const id = await makeUser(admin, 'taken');
    await expect(create(user, context, newUser('other', { email: 'taken@example.com' }))).rejects.toMatchObject({
      attribute: 'email',
      message: expect.stringContaining(`terraform import biaccess_grafana_user.<name> ${id}`),
    });
  });

  test('when finishing the create fails, the new user is recorded as Grafana has it (to be tainted), never left unknown to Terraform', async () => {
    const { emulator, context } = await start();
    // The admin flag is applied but its answer is lost.
    emulator.loseResponses(1, { method: 'PUT', path: /\/permissions$/ }, 400);
    await expect(create(user, context, newUser('half', { is_admin: true }))).rejects.toThrow(/returned 400/);
    const [made] = emulator.usersMatching('half@example.com');
    expect(made).toMatchObject({ isGrafanaAdmin: true });
    expect(context.partial).toEqual({ id: String(made.id), uid: made.uid, name: '', is_admin: true });
  });

  test('a token is refused before any call, naming grafana.auth', async () => {
    const { emulator, connect } = await start();
    const client = connect(emulator.createServiceAccountToken('Admin'));
    emulator.clearRequestLog();
    const tokenContext = handlerContext(client, 'biaccess_grafana_user');
    await expect((user as ResourceDefinition).plan!({ ...tokenContext, requireReplace: () => undefined }, { prior: null, planned: newUser("x"), config: newUser("x") })).rejects.toThrow(/needs Grafana server-admin rights: set grafana.auth/);
    await expect(create(user, tokenContext, newUser('x'))).rejects.toThrow(/needs Grafana server-admin rights: set grafana.auth/);
    expect(emulator.requests).toEqual([]);
  });

  test('updates send login, email and name together; an unset login follows the email', async () => {
    const { emulator, context } = await start();
    const created = await create(user, context, newUser('walt', { name: 'Walt' }));
    expect(await read(user, context, created)).toMatchObject({ login: null, email: 'walt@example.com' });
    const moved = { ...created, email: 'walter@example.com' };
    await update(user, context, created, moved);
    expect(emulator.usersMatching('walter@example.com')[0]).toMatchObject({ login: 'walter@example.com', name: 'Walt' });
    const explicit = { ...moved, login: 'walt', password: 'changed-password' };
    await update(user, context, moved, explicit);
    expect(emulator.usersMatching('walt')[0]).toMatchObject({ login: 'walt', email: 'walter@example.com', password: 'changed-password' });
    expect(await read(user, context, explicit)).toMatchObject({ login: 'walt' });
  });

  test('a clash on update names the attribute', async () => {
    const { admin, context } = await start();
    await makeUser(admin, 'first');
    const second = await create(user, context, newUser('second', { login: 'second' }));
    await expect(update(user, context, second, { ...second, login: 'first' })).rejects.toMatchObject({ attribute: 'login', message: expect.stringContaining('already belongs to another Grafana user') });
  });
  test('import takes an id, a login or an email (a numeric login too)', async () => {
    const { admin, context } = await start();
    const id = await makeUser(admin, 'imp');
    const numeric = await makeUser(admin, '12345');
    const parse = (key: string) => user.import.parse!(key, context);
    expect(await parse(String(id))).toEqual({ id: String(id) });
    expect(await parse('imp')).toEqual({ id: String(id) });
    expect(await parse('IMP@example.com')).toEqual({ id: String(id) });
    expect(await parse('12345')).toEqual({ id: String(numeric) });
    await expect(parse('nobody')).rejects.toThrow('No Grafana user has the id, login or email "nobody".');
  });
});

describe('biaccess_grafana_org_member', () => {
  test('an auto-assigned membership gets the declared role; removal never deletes the user', async () => {
    const { admin, emulator, context } = await start();
    const id = await makeUser(admin, 'member');
    const created = await create(orgMember, context, { id: UNKNOWN, user_id: String(id), org_id: UNKNOWN, role: 'Editor' });
    expect(created).toMatchObject({ id: `1/${id}`, org_id: '1' });
    expect(await read(orgMember, context, created)).toMatchObject({ role: 'Editor' });
    await remove(orgMember, context, created);
    expect(emulator.usersMatching('member')).toHaveLength(1);
    expect(await read(orgMember, context, created)).toBeNull();
    await expect(create(orgMember, context, { id: UNKNOWN, user_id: '999', org_id: '1', role: 'Viewer' })).rejects.toMatchObject({ attribute: 'user_id' });
  });
});

describe('biaccess_grafana_team and team_member', () => {
  test('a lost create response does not make a second team; the creator is not left as a member', async () => {
    const { emulator, admin, context } = await start();
    emulator.loseResponses(1, { method: 'POST', path: /^\/api\/teams$/ });
    const created = await create(team, context, { id: UNKNOWN, uid: UNKNOWN, name: 'Ops', email: null, org_id: UNKNOWN });
    const teams = (await admin.ok('GET', '/api/teams/search?name=Ops')).teams;
    expect(teams).toHaveLength(1);
    expect(created).toMatchObject({ id: String(teams[0].id), uid: teams[0].uid, org_id: '1' });
    expect(emulator.teamMembersOf(teams[0].id)).toEqual([]);
    await expect(create(team, context, { id: UNKNOWN, uid: UNKNOWN, name: 'Ops', email: null, org_id: UNKNOWN })).rejects.toMatchObject({ attribute: 'name' });
  });

  test('a team in another org is reached with X-Grafana-Org-Id (basic auth); a token stays in its own org', async () => {
    const { emulator, admin, context, connect } = await start();
    const { orgId } = await admin.ok('POST', '/api/orgs', { name: 'Second' });
    const created = await create(team, context, { id: UNKNOWN, uid: UNKNOWN, name: 'Elsewhere', email: 'e@example.com', org_id: String(orgId) });
    expect(emulator.snapshotState().teams).toEqual([expect.objectContaining({ id: Number(created.id), orgId, name: 'Elsewhere' })]);
    expect(await read(team, context, created)).toMatchObject({ name: 'Elsewhere', email: 'e@example.com', org_id: String(orgId) });
    const tokenContext = handlerContext(connect(emulator.createServiceAccountToken('Admin')));
    await expect(read(team, tokenContext, created)).rejects.toMatchObject({ attribute: 'org_id', message: expect.stringContaining('acts in its own org (1) only') });
    await update(team, context, created, { ...created, name: 'Renamed', email: null });
    expect(emulator.snapshotState().teams[0]).toMatchObject({ name: 'Renamed', email: '' });
    await remove(team, context, created);
    expect(await read(team, context, created)).toBeNull();
  });

  test('members are added once even when a response is lost, and a refresh of many makes one list call', async () => {
    const { emulator, admin, context } = await start();
    const { teamId } = await admin.ok('POST', '/api/teams', { name: 'Many' });
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => makeUser(admin, `m${i}`)));
    emulator.loseResponses(2, { method: 'POST', path: /\/members$/ });
    const members = await Promise.all(ids.map((userId, i) => create(teamMember, context, { id: UNKNOWN, team_id: String(teamId), user_id: String(userId), admin: i === 0 })));
    // The creator (admin, id 1) stays: it was there before and is not managed here.
    expect(emulator.teamMembersOf(teamId)).toHaveLength(13);
    expect(emulator.teamMembersOf(teamId).find((member) => member.userId === ids[0])?.permission).toBe(4);
    emulator.clearRequestLog();
    const refreshed = await Promise.all(members.map((member) => read(teamMember, context, member)));
    expect(refreshed.map((member) => member?.admin)).toEqual(ids.map((_, i) => i === 0));
    expect(emulator.countRequests({ method: 'GET' })).toBe(1);
  });
});

describe('grants', () => {
  async function withDashboard(options: GrafanaEmulatorOptions = {}) {
    const setup = await start(options);
    await setup.admin.ok('POST', '/api/folders', { uid: 'f', title: 'F' });
    await setup.admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'd', title: 'D' }, folderUid: 'f' });
    return setup;
  }

  test('per-assignee writes: concurrent grants all land; unmanaged and inherited grants are untouched', async () => {
    const { emulator, admin, context } = await withDashboard();
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => makeUser(admin, `g${i}`)));
    await admin.ok('POST', `/api/access-control/folders/f/users/${ids[0]}`, { permission: 'Admin' });
    const grants = await Promise.all(ids.map((userId) => create(dashboardPermission, context, newGrant({ dashboard_uid: 'd', user_id: String(userId), permission: 'View' }))));
    expect(grants[0].id).toBe(`d/user/${ids[0]}`);
    expect(emulator.permissionsOf('dashboards', 'd')).toHaveLength(11); // + the creator's Admin
    await remove(dashboardPermission, context, grants[0]);
    // The inherited folder grant for the same user is not this resource: it is gone, not "Admin".
    expect(await read(dashboardPermission, context, grants[0])).toBeNull();
    expect(emulator.permissionsOf('folders', 'f').find((p) => p.userId === ids[0])?.permission).toBe('Admin');
    await Promise.all(grants.slice(1).map((grant) => remove(dashboardPermission, context, grant)));
    expect(emulator.permissionsOf('dashboards', 'd').map((p) => p.userId)).toEqual([1]);
  });

  test('Grafana 8 (legacy whole-list API only): concurrent grants on one object are serialized, none lost', async () => {
    const { emulator, admin, context } = await withDashboard({ accessControlApi: false });
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => makeUser(admin, `l${i}`)));
    const { teamId } = await admin.ok('POST', '/api/teams', { name: 'folder-team' });
    await admin.ok('POST', '/api/folders/f/permissions', { items: [{ teamId, permission: 2 }] });
    const grants = await Promise.all([
      ...ids.map((userId) => create(dashboardPermission, context, newGrant({ dashboard_uid: 'd', user_id: String(userId), permission: 'Edit' }))),
      create(dashboardPermission, context, newGrant({ dashboard_uid: 'd', role: 'Viewer', permission: 'View' })),
    ]);
    expect(emulator.permissionsOf('dashboards', 'd')).toHaveLength(10);
    // The folder's team grant was not copied onto the dashboard.
    expect(emulator.permissionsOf('dashboards', 'd').some((p) => p.teamId === teamId)).toBe(false);
    expect(await read(dashboardPermission, context, grants[8])).toMatchObject({ permission: 'View' });
    await update(dashboardPermission, context, grants[0], { ...grants[0], permission: 'Admin' });
    await Promise.all(grants.map((grant) => remove(dashboardPermission, context, grant)));
    expect(emulator.permissionsOf('dashboards', 'd').map((p) => p.userId)).toEqual([1]);
    expect(emulator.permissionsOf('folders', 'f').some((p) => p.teamId === teamId)).toBe(true);
  });

  test('unknown objects and assignees are named', async () => {
    const { context } = await withDashboard();
    await expect(create(folderPermission, context, newGrant({ folder_uid: 'nope', role: 'Viewer', permission: 'View' }))).rejects.toMatchObject({ attribute: 'folder_uid' });
    await expect(create(folderPermission, context, newGrant({ folder_uid: 'f', team_id: '404', permission: 'View' }))).rejects.toMatchObject({ attribute: 'team_id' });
  });

  test('data source permissions: a clear error without Enterprise, the server\'s own vocabulary with it', async () => {
    const oss = await start();
    await oss.admin.ok('POST', '/api/datasources', { name: 'p', type: 'prometheus', uid: 'p' });
    await expect(create(dataSourcePermission, oss.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Query' }))).rejects.toThrow(
      /Grafana Enterprise \/ Grafana Cloud feature/,
    );
    const grafana9 = await start({ enterprise: true, dataSourcePermissions: ['Query', 'Edit'] });
    await grafana9.admin.ok('POST', '/api/datasources', { name: 'p', type: 'prometheus', uid: 'p' });
    const attempt = create(dataSourcePermission, grafana9.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Admin' }));
    await expect(attempt).rejects.toBeInstanceOf(AttributeError);
    await expect(attempt).rejects.toMatchObject({ attribute: 'permission', message: expect.stringContaining('"Query", "Edit"') });
    const granted = await create(dataSourcePermission, grafana9.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Query' }));
    expect(await read(dataSourcePermission, grafana9.context, granted)).toMatchObject({ permission: 'Query', id: 'p/role/Viewer' });
  });

  test('at plan, data source grants name the missing licence; a Grafana that fails to answer is not taken for one without it', async () => {
    const plan = (context: Context, planned: Model) =>
      (dataSourcePermission as ResourceDefinition).plan!(Object.assign(as(dataSourcePermission, context), { requireReplace: () => undefined }), { prior: null, planned, config: planned });
    const oss = await start();
    await expect(plan(oss.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Query' }))).rejects.toMatchObject({
      attribute: 'data_source_uid',
      message: expect.stringContaining('Grafana Enterprise / Grafana Cloud feature'),
    });
    const licensed = await start({ enterprise: true });
    await licensed.admin.ok('POST', '/api/datasources', { name: 'p', type: 'prometheus', uid: 'p' });
    licensed.emulator.failNext(50, 500);
    const failure = await plan(licensed.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Query' })).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/returned 500 Internal Server Error/);
    expect(failure?.message).not.toMatch(/Enterprise/);
    licensed.emulator.clearFaults();
    await expect(plan(licensed.context, newGrant({ data_source_uid: 'p', role: 'Viewer', permission: 'Query' }))).resolves.toBeUndefined();
  });

  test('import IDs are parsed strictly, and the org the import happens in is recorded', async () => {
    const { context } = await start();
    const parse = (id: string) => dashboardPermission.import.parse!(id, context);
    expect(await parse('abc/user/42')).toEqual({ dashboard_uid: 'abc', user_id: '42', id: 'abc/user/42' });
    expect(await parse('abc/role/Editor')).toEqual({ dashboard_uid: 'abc', role: 'Editor', id: 'abc/role/Editor' });
    expect(context.privateValues.get('home')).toBe('1');
    await expect(parse('abc/role/Admin')).rejects.toThrow(/role must be one of "Viewer", "Editor"/);
    await expect(parse('abc/group/1')).rejects.toThrow(/"user", "team" or "role"/);
    await expect(parse('abc/user/x')).rejects.toThrow(/positive whole number/);
  });
});

describe('data sources', () => {
  test('a user is found by email with basic auth and, among org members, with a token', async () => {
    const { admin, emulator, context, connect } = await start();
    const id = await makeUser(admin, 'lookup');
    expect(await userLookup.read(context, { email: 'LOOKUP@example.com', login: null })).toMatchObject({ id: String(id), login: 'lookup', uid: expect.any(String) });
    const tokenClient = connect(emulator.createServiceAccountToken('Admin'));
    expect(await userLookup.read(handlerContext(tokenClient), { email: null, login: 'lookup' })).toMatchObject({ id: String(id), email: 'lookup@example.com' });
    await expect(userLookup.read(context, { email: null, login: 'lookup@example.com' })).rejects.toThrow(/no user with login/);
  });

  test('a dashboard title found twice asks for folder_uid', async () => {
    const { admin, context } = await start();
    await admin.ok('POST', '/api/folders', { uid: 'a', title: 'A' });
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'one', title: 'Same' } });
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'two', title: 'Same' }, folderUid: 'a' });
    await expect(dashboardLookup.read(context, { uid: null, title: 'Same', folder_uid: null })).rejects.toThrow(/2 dashboards are titled "Same"/);
    expect(await dashboardLookup.read(context, { uid: null, title: 'Same', folder_uid: 'a' })).toMatchObject({ uid: 'two', folder_uid: 'a' });
    expect(await dashboardLookup.read(context, { uid: 'one', title: null, folder_uid: null })).toMatchObject({ title: 'Same', folder_uid: '' });
  });
});

describe('state written when Grafana ids were numbers', () => {
  test('upgrades to string ids, so configurations and existing state keep working', async () => {
    const { buildProvider } = await import('../../src/framework/provider');
    const provider = buildProvider({ typeName: 'biaccess', version: '0.0.0', vendors: [grafana], log: silentLogger });
    const member = await provider.upgradeResourceState('biaccess_grafana_team_member', 0, { id: '3/42', team_id: 3, user_id: 42, admin: true });
    expect(member).toEqual({ upgradedState: { id: '3/42', team_id: '3', user_id: '42', admin: true }, diagnostics: [] });
    const teamState = await provider.upgradeResourceState('biaccess_grafana_team', 0, { id: 7, uid: 'u', name: 'T', email: null, org_id: 1 });
    expect(teamState.upgradedState).toEqual({ id: '7', uid: 'u', name: 'T', email: null, org_id: '1' });
  });
});
