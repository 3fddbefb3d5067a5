// The Sisense emulator behaves as the provider expects Sisense to: logins and Bearer tokens, the
// quirks the client must handle (partial email matches, small default pages, 422 for malformed
// ids, group arrays that keep duplicates, a rename answering 200 for an unknown group, HTML for
// unknown routes), whole-list share writes that refuse a party twice, adminAccess, publishing.
import { SisenseEmulator, SISENSE_ADMIN_EMAIL, SISENSE_ADMIN_PASSWORD, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';

const emulator = new SisenseEmulator();

async function call(method: string, path: string, body?: unknown, token = SISENSE_ADMIN_TOKEN): Promise<{ status: number; body: any; type: string }> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text, type };
}

beforeAll(() => emulator.start());
afterAll(() => emulator.stop());
beforeEach(() => emulator.resetState());

test('a login (form or JSON) gives a token that authenticates; a wrong password or an expired token is 401', async () => {
  const form = await fetch(`${emulator.url}/api/v1/authentication/login`, { method: 'POST', body: new URLSearchParams({ username: SISENSE_ADMIN_EMAIL, password: SISENSE_ADMIN_PASSWORD }) });
  const { access_token: token, success } = (await form.json()) as { access_token: string; success: boolean };
  expect(success).toBe(true);
  expect((await call('GET', '/api/roles', undefined, token)).status).toBe(200);
  const json = await call('POST', '/api/v1/authentication/login', { username: SISENSE_ADMIN_EMAIL, password: SISENSE_ADMIN_PASSWORD }, '');
  expect(json.body.access_token).toEqual(expect.any(String));
  expect((await call('POST', '/api/v1/authentication/login', { username: SISENSE_ADMIN_EMAIL, password: 'nope' }, '')).status).toBe(401);
  emulator.expireSessions();
  expect((await call('GET', '/api/roles', undefined, token)).status).toBe(401);
  expect((await call('GET', '/api/roles')).status).toBe(200); // the fixed API token stays
});

test('user lists: ?email= matches part of the address, 50 per page without limit, skip/limit page; a malformed id is 422 with an empty body', async () => {
  for (let index = 0; index < 60; index++) emulator.addUser(`user${index}@example.com`);
  emulator.addUser('ann@example.com');
  emulator.addUser('joann@example.com');
  const partial = await call('GET', '/api/v1/users?email=ann@example.com');
  expect(partial.body.map((user: any) => user.email).sort()).toEqual(['ann@example.com', 'joann@example.com']);
  expect((await call('GET', '/api/v1/users')).body).toHaveLength(50);
  expect((await call('GET', '/api/v1/users?skip=50&limit=100')).body).toHaveLength(13); // 63 with the admin
  expect(await call('GET', '/api/v1/users/not-an-id')).toMatchObject({ status: 422, body: {} });
  const missing = await call('GET', '/api/v1/users/5f3a00000000000000000fff');
  expect(missing).toMatchObject({ status: 404, body: { error: { message: 'User not found', status: 404 } } });
});

test('groups: a taken name is refused, a rename of an unknown id answers 200 with n: 0, v0.9 adds append a second copy', async () => {
  const created = await call('POST', '/api/v1/groups', { name: 'Analysts' });
  expect(created.status).toBe(201);
  expect((await call('POST', '/api/v1/groups', { name: 'analysts' })).status).toBe(409);
  expect(await call('PUT', '/api/groups/5f3a00000000000000000fff', { name: 'X' })).toMatchObject({ status: 200, body: [0, { n: 0 }] });
  expect(await call('PUT', `/api/groups/${created.body._id}`, { name: 'Data Analysts' })).toMatchObject({ status: 200, body: [1, { n: 1, nModified: 1 }] });
  const user = emulator.addUser('ann@example.com');
  await call('POST', `/api/groups/${created.body._id}/users`, [user._id]);
  await call('POST', `/api/groups/${created.body._id}/users`, [user._id]);
  expect((await call('GET', `/api/v1/users/${user._id}`)).body.groups).toEqual([created.body._id, created.body._id]);
  // v0.9 errors come without the `error` envelope.
  expect((await call('GET', '/api/groups/5f3a00000000000000000fff/users')).body).toMatchObject({ message: 'Group not found', status: 404 });
});

test('shares: written whole by either route, a party twice refused, adminAccess for other owners only, seen by recipients once published', async () => {
  const owner = emulator.addUser('owner@example.com', { role: 'contributor', password: 'pw' });
  const ann = emulator.addUser('ann@example.com');
  const theirs = emulator.addDashboard('Theirs', { owner: owner._id });
  const mine = emulator.addDashboard('Mine');
  const entries = [
    { shareId: owner._id, type: 'user', subscribe: false },
    { shareId: ann._id, type: 'user', rule: 'view', subscribe: false },
  ];
  expect((await call('POST', `/api/shares/dashboard/${theirs.oid}`, { sharesTo: entries })).status).toBe(403);
  expect((await call('POST', `/api/shares/dashboard/${theirs.oid}?adminAccess=true`, { sharesTo: entries })).status).toBe(200);
  expect((await call('POST', `/api/shares/dashboard/${theirs.oid}?adminAccess=true`, { sharesTo: [...entries, entries[1]] })).status).toBe(400);
  expect((await call('GET', `/api/shares/dashboard/${mine.oid}?adminAccess=true`)).status).toBe(403);
  expect((await call('GET', `/api/shares/dashboard/${mine.oid}`)).status).toBe(200);
  const listed = await call('GET', `/api/v1/dashboards/${theirs.oid}/shares?adminAccess=true`);
  expect(listed.body.sharesTo[1]).toMatchObject({ shareId: ann._id, rule: 'view', email: 'ann@example.com' });
  expect(emulator.snapshotState().dashboards.find((dashboard) => dashboard.oid === theirs.oid)!.publishedShares).toHaveLength(1);
  await call('POST', `/api/v1/dashboards/${theirs.oid}/publish?adminAccess=true&force=false`);
  expect(emulator.snapshotState().dashboards.find((dashboard) => dashboard.oid === theirs.oid)!.publishedShares).toEqual(entries);
  // The v1 route replaces the list too.
  await call('PATCH', `/api/v1/dashboards/${theirs.oid}?adminAccess=true`, { shares: [entries[0]] });
  expect((await call('GET', `/api/shares/dashboard/${theirs.oid}?adminAccess=true`)).body.sharesTo).toEqual([{ ...entries[0], email: 'owner@example.com', userName: 'owner@example.com' }]);
});

test('data models: extract permissions read as {shares} and written as an array, live ones as arrays; party is taken for partyId', async () => {
  emulator.addDataModel('Sales');
  const live = emulator.addDataModel('Live Orders', 'live');
  await call('PUT', '/api/elasticubes/LocalHost/Sales/permissions', [{ party: '5f3a00000000000000000aaa', type: 'group', permission: 'r' }]);
  expect((await call('GET', '/api/elasticubes/localhost/Sales/permissions')).body.shares).toEqual([{ partyId: '5f3a00000000000000000aaa', type: 'group', permission: 'r' }]);
  await call('PATCH', `/api/v1/elasticubes/live/${live.oid}/permissions`, [{ partyId: '5f3a00000000000000000aaa', type: 'user', permission: 'w' }]);
  expect((await call('GET', `/api/v1/elasticubes/live/${live.oid}/permissions`)).body).toEqual([{ partyId: '5f3a00000000000000000aaa', type: 'user', permission: 'w' }]);
  expect((await call('GET', '/api/v2/datamodels/schema?title=Sales')).body).toMatchObject({ title: 'Sales', type: 'extract' });
  expect((await call('GET', '/api/v2/datamodels/schema?title=Nope')).status).toBe(404);
});

test('an unknown route answers an HTML page, as Express does', async () => {
  const answer = await call('GET', '/sisense/api/roles');
  expect(answer.status).toBe(404);
  expect(answer.type).toContain('text/html');
  expect(answer.body).toContain('Cannot GET /sisense/api/roles');
});
