// The Grafana emulator reproduces the API's quirks, checked with plain HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { findVendor } from '../../src/vendors';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';

const emulator = new GrafanaEmulator({ enterprise: true, adminPassword: 's3cret-admin' });
let admin: GrafanaApi;
let url: string;

beforeAll(async () => {
  url = await emulator.start();
  admin = grafanaApi(url, emulator.adminAuth);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.resetState();
  emulator.clearFaults();
  emulator.clearRequestLog();
});

const createUser = (login: string, extra: Record<string, unknown> = {}) =>
  admin.ok('POST', '/api/admin/users', { login, email: `${login}@example.com`, name: login, password: 'password1', ...extra });

describe('auth and org context', () => {
  test('basic auth of the admin works; a wrong password or no credentials are 401', async () => {
    expect((await admin.get('/api/org')).body).toMatchObject({ id: 1, name: 'Main Org.' });
    expect((await grafanaApi(url, 'admin:wrong').get('/api/org')).status).toBe(401);
    expect((await fetch(`${url}/api/org`)).status).toBe(401);
    expect(emulator.connectionEnvironment()).toEqual({ GRAFANA_URL: url, GRAFANA_AUTH: 'admin:s3cret-admin' });
  });

  test('a service-account token works in its org but never on server-admin routes', async () => {
    const token = grafanaApi(url, emulator.createServiceAccountToken('Admin'));
    expect((await token.get('/api/teams/search')).status).toBe(200);
    for (const [method, route] of [['POST', '/api/admin/users'], ['GET', '/api/users/search'], ['GET', '/api/users/lookup?loginOrEmail=admin'], ['GET', '/api/orgs/1/users']] as const) {
      const result = method === 'POST' ? await token.post(route, { login: 'x', password: 'password1' }) : await token.get(route);
      expect({ route, status: result.status }).toEqual({ route, status: 403 });
      expect(result.body.message).toContain('Permissions needed');
    }
    // A Viewer token may read but not write org objects.
    const viewer = grafanaApi(url, emulator.createServiceAccountToken('Viewer'));
    expect((await viewer.post('/api/teams', { name: 'x' })).status).toBe(403);
  });

  test('service-account tokens can also be made through the API', async () => {
    const account = await admin.ok('POST', '/api/serviceaccounts', { name: 'terraform', role: 'Admin' });
    const token = await admin.ok('POST', `/api/serviceaccounts/${account.id}/tokens`, { name: 'ci' });
    expect(token.key).toMatch(/^glsa_/);
    expect((await grafanaApi(url, token.key).get('/api/org')).body.id).toBe(1);
  });

  test('X-Grafana-Org-Id selects an org the user belongs to; a token is bound to its own', async () => {
    const { orgId } = await admin.ok('POST', '/api/orgs', { name: 'Second' });
    const inSecond = grafanaApi(url, emulator.adminAuth, { orgId });
    expect((await inSecond.get('/api/org')).body).toMatchObject({ id: orgId, name: 'Second' });
    await inSecond.ok('POST', '/api/teams', { name: 'only-in-second' });
    expect((await admin.get('/api/teams/search?name=only-in-second')).body.totalCount).toBe(0);
    const user = await createUser('stranger');
    expect((await grafanaApi(url, 'stranger:password1', { orgId }).get('/api/org')).status).toBe(403);
    expect(user.id).toBeGreaterThan(1);
    const token = emulator.createServiceAccountToken('Admin', 1);
    expect((await grafanaApi(url, token, { orgId }).get('/api/org')).status).toBe(401);
  });
});

describe('users', () => {
  test('created users have an id and a uid, the login defaults to the email, duplicates are 412', async () => {
    const created = await admin.ok('POST', '/api/admin/users', { email: 'Jane@Example.com', password: 'password1' });
    expect(created).toMatchObject({ message: 'User created', id: expect.any(Number), uid: expect.any(String) });
    expect((await admin.get(`/api/users/${created.id}`)).body).toMatchObject({ login: 'Jane@Example.com', email: 'Jane@Example.com', isGrafanaAdmin: false });
    const duplicate = await admin.post('/api/admin/users', { login: 'other', email: 'jane@example.com', password: 'password1' });
    expect(duplicate).toEqual({ status: 412, body: { message: "User with email 'jane@example.com' or username 'other' already exists" } });
    expect((await admin.get('/api/users/lookup?loginOrEmail=JANE@example.com')).body.id).toBe(created.id);
    expect((await admin.get('/api/users/lookup?loginOrEmail=nobody')).body).toEqual({ message: 'user not found' });
    expect((await admin.post('/api/admin/users', { login: 'short', password: 'abc' })).status).toBe(400);
  });

  test('an update without login renames the login to the email; empty fields are left alone', async () => {
    const { id } = await createUser('bob');
    await admin.ok('PUT', `/api/users/${id}`, { email: 'robert@example.com', name: '' });
    expect((await admin.get(`/api/users/${id}`)).body).toMatchObject({ login: 'robert@example.com', email: 'robert@example.com', name: 'bob' });
    await admin.ok('PUT', `/api/users/${id}`, { login: 'bob', email: 'robert@example.com', name: 'Robert' });
    expect((await admin.get(`/api/users/${id}`)).body).toMatchObject({ login: 'bob', name: 'Robert' });
    expect((await admin.put(`/api/users/${id}`, { login: 'admin', email: 'robert@example.com' })).body).toEqual({ message: 'Update would result in user login conflict' });
    expect((await admin.put(`/api/users/${id}`, {})).status).toBe(400);
  });

  test('search pages with totalCount; password, admin flag and delete have their messages', async () => {
    for (const login of ['u1', 'u2', 'u3']) await createUser(login);
    const page = await admin.ok('GET', '/api/users/search?perpage=2&page=2');
    expect(page).toMatchObject({ totalCount: 4, page: 2, perPage: 2 });
    expect(page.users.map((user: { login: string }) => user.login)).toEqual(['u2', 'u3']);
    const id = page.users[0].id;
    expect(await admin.ok('PUT', `/api/admin/users/${id}/password`, { password: 'new-password' })).toEqual({ message: 'User password updated' });
    expect((await grafanaApi(url, 'u2:new-password').get('/api/org')).status).toBe(200);
    await admin.ok('PUT', `/api/admin/users/${id}/permissions`, { isGrafanaAdmin: true });
    expect((await admin.get(`/api/users/search?query=u2`)).body.users[0].isAdmin).toBe(true);
    expect(await admin.ok('DELETE', `/api/admin/users/${id}`)).toEqual({ message: 'User deleted' });
    expect((await admin.get(`/api/users/${id}`)).status).toBe(404);
    expect((await admin.get('/api/users/abc')).body).toEqual({ message: 'id is invalid' });
  });
});

describe('org users', () => {
  test('new users are Viewers of org 1; adding again is 409 with the userId', async () => {
    const { id } = await createUser('carol');
    expect((await admin.get('/api/orgs/1/users')).body.find((member: { userId: number }) => member.userId === id)).toMatchObject({ role: 'Viewer', login: 'carol' });
    expect(await admin.post('/api/org/users', { loginOrEmail: 'carol', role: 'Editor' })).toEqual({ status: 409, body: { message: 'User is already member of this organization', userId: id } });
    expect((await admin.post('/api/org/users', { loginOrEmail: 'carol', role: 'Boss' })).body).toEqual({ message: 'Invalid role specified' });
    await admin.ok('PATCH', `/api/org/users/${id}`, { role: 'None' });
    expect((await admin.get('/api/org/users?query=carol')).body[0].role).toBe('None');
  });

  test('the org route deletes a user removed from their last org; the admin route never does', async () => {
    const { orgId } = await admin.ok('POST', '/api/orgs', { name: 'Other' });
    const kept = await createUser('kept');
    expect(await admin.ok('DELETE', `/api/orgs/1/users/${kept.id}`)).toEqual({ message: 'User removed from organization' });
    expect((await admin.get(`/api/users/${kept.id}`)).status).toBe(200);

    const orphan = await createUser('orphan');
    await admin.ok('POST', `/api/orgs/${orgId}/users`, { loginOrEmail: 'orphan', role: 'Viewer' });
    expect(await admin.ok('DELETE', `/api/org/users/${orphan.id}`)).toEqual({ message: 'User removed from organization' });
    expect(await grafanaApi(url, emulator.adminAuth, { orgId }).ok('DELETE', `/api/org/users/${orphan.id}`)).toEqual({ message: 'User deleted' });
    expect((await admin.get(`/api/users/${orphan.id}`)).status).toBe(404);
    expect((await admin.delete('/api/org/users/1')).body).toEqual({ message: 'Cannot remove last organization admin' });
  });
});

describe('teams', () => {
  test('409 on a duplicate create, 400 on a duplicate rename; name is exact, query a substring', async () => {
    const alpha = await admin.ok('POST', '/api/teams', { name: 'Alpha', email: 'alpha@example.com' });
    expect(alpha).toMatchObject({ message: 'Team created', teamId: expect.any(Number), uid: expect.any(String) });
    await admin.ok('POST', '/api/teams', { name: 'Alphabet' });
    expect(await admin.post('/api/teams', { name: 'Alpha' })).toEqual({ status: 409, body: { message: 'Team name taken' } });
    expect(await admin.put(`/api/teams/${alpha.teamId}`, { name: 'Alphabet' })).toEqual({ status: 400, body: { message: 'Team name taken' } });
    expect((await admin.get('/api/teams/search?name=Alpha')).body).toMatchObject({ totalCount: 1, teams: [{ name: 'Alpha', email: 'alpha@example.com' }] });
    expect((await admin.get('/api/teams/search?query=alpha')).body.totalCount).toBe(2);
    expect((await admin.get(`/api/teams/${alpha.uid}`)).body.id).toBe(alpha.teamId);
    expect((await admin.get('/api/teams/999')).body).toEqual({ message: 'Team not found' });
  });

  test('a user creating a team becomes its admin, a service account does not; members are 0 or 4', async () => {
    const byUser = await admin.ok('POST', '/api/teams', { name: 'by-user' });
    expect(emulator.teamMembersOf(byUser.teamId)).toEqual([{ teamId: byUser.teamId, userId: 1, permission: 4 }]);
    const token = grafanaApi(url, emulator.createServiceAccountToken('Admin'));
    const byToken = await token.ok('POST', '/api/teams', { name: 'by-token' });
    expect(emulator.teamMembersOf(byToken.teamId)).toEqual([]);

    const { id } = await createUser('dave');
    expect(await token.ok('POST', `/api/teams/${byToken.teamId}/members`, { userId: id })).toEqual({ message: 'Member added to Team' });
    expect(await token.post(`/api/teams/${byToken.teamId}/members`, { userId: id })).toEqual({ status: 400, body: { message: 'User is already added to this team' } });
    await token.ok('PUT', `/api/teams/${byToken.teamId}/members/${id}`, { permission: 4 });
    expect((await token.get(`/api/teams/${byToken.teamId}/members`)).body).toEqual([expect.objectContaining({ userId: id, login: 'dave', permission: 4 })]);
    expect((await token.put(`/api/teams/${byToken.teamId}/members/1`, { permission: 4 })).body).toEqual({ message: 'Team member not found.' });
    expect(await token.ok('DELETE', `/api/teams/${byToken.teamId}/members/${id}`)).toEqual({ message: 'Team Member removed' });
    expect((await token.delete(`/api/teams/${byToken.teamId}/members/${id}`)).status).toBe(404);
  });

  test('PUT /members replaces the whole member list', async () => {
    const team = await admin.ok('POST', '/api/teams', { name: 'replace-me' });
    const { id } = await createUser('erin');
    await admin.ok('PUT', `/api/teams/${team.teamId}/members`, { members: ['erin@example.com'], admins: [] });
    expect(emulator.teamMembersOf(team.teamId)).toEqual([{ teamId: team.teamId, userId: id, permission: 0 }]);
  });
});

describe('dashboard and folder permissions', () => {
  async function setUp() {
    const { id: userId } = await createUser('frank');
    const team = await admin.ok('POST', '/api/teams', { name: 'readers' });
    const folder = await admin.ok('POST', '/api/folders', { uid: 'fold', title: 'Folder' });
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'dash', title: 'Dash' }, folderUid: folder.uid });
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'root-dash', title: 'Root dash' } });
    return { userId, teamId: team.teamId as number };
  }

  test('new objects get the creator as Admin, and at the root the Viewer/Editor defaults', async () => {
    await setUp();
    const shape = (resource: 'dashboards' | 'folders', uid: string) => emulator.permissionsOf(resource, uid).map((p) => [p.userId ?? p.builtInRole, p.permission]);
    expect(shape('dashboards', 'root-dash')).toEqual([[1, 'Admin'], ['Editor', 'Edit'], ['Viewer', 'View']]);
    expect(shape('folders', 'fold')).toEqual([[1, 'Admin'], ['Editor', 'Edit'], ['Viewer', 'View']]);
    expect(shape('dashboards', 'dash')).toEqual([[1, 'Admin']]);
  });

  test('access-control GET flags folder grants as inherited and basic roles as not managed', async () => {
    const { userId } = await setUp();
    await admin.ok('POST', `/api/access-control/folders/fold/users/${userId}`, { permission: 'Edit' });
    const entries = (await admin.ok('GET', '/api/access-control/dashboards/dash')) as Array<Record<string, unknown>>;
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: 1, permission: 'Admin', isManaged: true, isInherited: false }),
        expect.objectContaining({ userId, permission: 'Edit', isManaged: true, isInherited: true }),
        expect.objectContaining({ builtInRole: 'Viewer', permission: 'View', isInherited: true }),
        expect.objectContaining({ builtInRole: 'Admin', isManaged: false, roleName: 'basic:admin' }),
      ]),
    );
    expect((await admin.get('/api/access-control/dashboards/description')).body).toEqual({
      assignments: { users: true, serviceAccounts: true, teams: true, builtInRoles: true },
      permissions: ['View', 'Edit', 'Admin'],
    });
  });

  test('per-assignee POSTs upsert one assignee and "" removes it; bad input is refused before writing', async () => {
    const { userId, teamId } = await setUp();
    expect(await admin.ok('POST', `/api/access-control/dashboards/dash/teams/${teamId}`, { permission: 'View' })).toEqual({ message: 'Permission updated' });
    await admin.ok('POST', `/api/access-control/dashboards/dash/teams/${teamId}`, { permission: 'Edit' });
    await admin.ok('POST', `/api/access-control/dashboards/dash/users/${userId}`, { permission: 'View' });
    expect(emulator.permissionsOf('dashboards', 'dash').map((p) => [p.userId ?? p.teamId, p.permission])).toEqual([[1, 'Admin'], [teamId, 'Edit'], [userId, 'View']]);
    expect(await admin.ok('POST', `/api/access-control/dashboards/dash/users/${userId}`, { permission: '' })).toEqual({ message: 'Permission removed' });
    expect(emulator.permissionsOf('dashboards', 'dash')).toHaveLength(2);

    expect((await admin.post(`/api/access-control/dashboards/dash/users/${userId}`, { permission: 'Owner' })).status).toBe(400);
    // A user outside the org: Grafana's per-assignee handler answers 400 with one message for every refusal.
    expect(await admin.post('/api/access-control/dashboards/dash/users/999', { permission: 'View' })).toMatchObject({ status: 400, body: { message: 'failed to set user permission' } });
    expect((await admin.post('/api/access-control/dashboards/nope/users/1', { permission: 'View' })).status).toBe(404);
    // Bulk: only the listed commands apply, all validated first.
    const bulk = await admin.post('/api/access-control/dashboards/dash', { permissions: [{ userId, permission: 'Edit' }, { teamId: 999, permission: 'View' }] });
    expect(bulk.status).toBe(404);
    expect(emulator.permissionsOf('dashboards', 'dash').some((p) => p.userId === userId)).toBe(false);
    await admin.ok('POST', '/api/access-control/dashboards/dash', { permissions: [{ userId, permission: 'Edit' }] });
    expect(emulator.permissionsOf('dashboards', 'dash')).toHaveLength(3);
  });

  test('the legacy list POST replaces the own list, keeps inherited grants, and swaps its two messages', async () => {
    const { userId, teamId } = await setUp();
    await admin.ok('POST', `/api/access-control/folders/fold/teams/${teamId}`, { permission: 'View' });
    // Grafana 9+: the legacy GET calls every item "not inherited", folder grants included.
    const items = (await admin.ok('GET', '/api/dashboards/uid/dash/permissions')) as Array<Record<string, unknown>>;
    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ teamId, permission: 1, permissionName: 'View', inherited: false })]));
    expect(await admin.ok('POST', '/api/dashboards/uid/dash/permissions', { items: [{ userId, permission: 2 }] })).toEqual({ message: 'Dashboard permissions updated' });
    expect(emulator.permissionsOf('dashboards', 'dash').map((p) => [p.userId, p.permission])).toEqual([[userId, 'Edit']]);
    expect(emulator.permissionsOf('folders', 'fold').some((p) => p.teamId === teamId)).toBe(true);
    expect((await admin.post('/api/dashboards/uid/dash/permissions', { items: [{ userId, teamId, permission: 1 }] })).body).toEqual({ message: 'team and user permissions cannot have an associated role' });
    expect((await admin.post('/api/folders/fold/permissions', { items: [{ userId, role: 'Viewer', permission: 1 }] })).body).toEqual({ message: 'permissions cannot have both a user and team' });
  });

  test('search finds dashboards and folders by title, with their folder', async () => {
    await setUp();
    const hits = await admin.ok('GET', '/api/search?type=dash-db&query=dash');
    expect(hits.map((hit: { uid: string; folderUid?: string }) => [hit.uid, hit.folderUid])).toEqual([['dash', 'fold'], ['root-dash', undefined]]);
    expect((await admin.ok('GET', '/api/dashboards/uid/dash')).meta).toMatchObject({ folderUid: 'fold', folderTitle: 'Folder' });
    expect((await admin.ok('GET', '/api/search?type=dash-folder&query=Folder'))[0]).toMatchObject({ uid: 'fold', type: 'dash-folder' });
  });
});

describe('data source permissions and versions', () => {
  test('Enterprise offers Query/Edit/Admin on data sources; OSS has no such API', async () => {
    const created = await admin.ok('POST', '/api/datasources', { name: 'prom', type: 'prometheus', uid: 'prom-uid' });
    expect(created).toMatchObject({ message: 'Datasource added', datasource: { uid: 'prom-uid' } });
    expect((await admin.post('/api/datasources', { name: 'prom', type: 'prometheus' })).status).toBe(409);
    expect((await admin.get('/api/access-control/datasources/description')).body.permissions).toEqual(['Query', 'Edit', 'Admin']);
    await admin.ok('POST', '/api/access-control/datasources/prom-uid/builtInRoles/Viewer', { permission: 'Query' });
    expect(emulator.permissionsOf('datasources', 'prom-uid')).toEqual([expect.objectContaining({ builtInRole: 'Viewer', permission: 'Query' })]);

    const oss = new GrafanaEmulator();
    const ossUrl = await oss.start();
    try {
      const ossAdmin = grafanaApi(ossUrl, oss.adminAuth);
      await ossAdmin.ok('POST', '/api/datasources', { name: 'prom', type: 'prometheus', uid: 'prom-uid' });
      expect((await ossAdmin.get('/api/access-control/datasources/description')).status).toBe(404);
      expect((await ossAdmin.post('/api/access-control/datasources/prom-uid/builtInRoles/Viewer', { permission: 'Query' })).status).toBe(404);
    } finally {
      await oss.stop();
    }
  });

  test('Grafana 8 mode: no access-control API, and the legacy list flags inherited items', async () => {
    const old = new GrafanaEmulator({ accessControlApi: false });
    const oldUrl = await old.start();
    try {
      const oldAdmin = grafanaApi(oldUrl, old.adminAuth);
      await oldAdmin.ok('POST', '/api/folders', { uid: 'f', title: 'F' });
      await oldAdmin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'd', title: 'D' }, folderUid: 'f' });
      expect((await oldAdmin.get('/api/access-control/dashboards/description')).status).toBe(404);
      const items = (await oldAdmin.ok('GET', '/api/dashboards/uid/d/permissions')) as Array<{ role?: string; inherited: boolean }>;
      expect(items.find((item) => item.role === 'Viewer')).toMatchObject({ inherited: true });
      expect(items.find((item) => item.role === undefined)).toMatchObject({ inherited: false });
    } finally {
      await old.stop();
    }
  });
});

describe('emulator machinery', () => {
  test('faults answer without running the handler; lost responses run it and still fail', async () => {
    emulator.failNext(1, 500);
    expect((await admin.post('/api/teams', { name: 'faulted' })).status).toBe(500);
    expect((await admin.get('/api/teams/search?name=faulted')).body.totalCount).toBe(0);
    emulator.loseResponses(1, { method: 'POST', path: /^\/api\/teams$/ });
    expect((await admin.post('/api/teams', { name: 'lost' })).status).toBe(500);
    expect((await admin.get('/api/teams/search?name=lost')).body.totalCount).toBe(1);
    expect(emulator.countRequests({ method: 'POST', path: '/api/teams' })).toBe(2);
    expect(emulator.countRequests({ faulted: true })).toBe(1);
  });

  test('state persists to the state file and is loaded by a new emulator; the registry launches it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grafana-emulator-'));
    try {
      const stateFile = path.join(dir, 'grafana.json');
      const first = (await findVendor('grafana')!.emulator!()).create({ stateFile });
      const firstUrl = await first.start();
      const env = first.connectionEnvironment();
      expect(env.GRAFANA_URL).toBe(firstUrl);
      await grafanaApi(firstUrl, env.GRAFANA_AUTH).ok('POST', '/api/teams', { name: 'persisted' });
      await first.stop();
      const second = new GrafanaEmulator({ stateFile });
      const secondUrl = await second.start();
      try {
        expect((await grafanaApi(secondUrl, second.adminAuth).get('/api/teams/search?name=persisted')).body.totalCount).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
