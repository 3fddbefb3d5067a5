// The Periscope emulator holds to what the provider is tested against: the partner-auth header,
// writes without test_mode=false as dry runs, cursor pages, default roles, Everyone in every
// user's roles, the last admin kept, whole-role PUTs that clear a left-out array, HTML 404s for
// routes it does not serve, and state kept in its file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';

let emulator: PeriscopeEmulator;

async function call(method: string, path: string, body?: unknown, auth?: string) {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { 'HTTP-X-PARTNER-AUTH': auth ?? `${emulator.site}:${emulator.apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, body: json, headers: response.headers };
}

const newUser = (email: string, roles: unknown[] = []) => ({ first_name: 'A', last_name: 'B', email, roles, invited_by_email: PERISCOPE_ADMIN_EMAIL });
const roleId = async (name: string) => (await call('GET', '/api/v1/roles')).body.roles.find((role: { name: string }) => role.name === name).id as number;

beforeEach(async () => {
  emulator = new PeriscopeEmulator({ userPageSize: 2, dashboardPageSize: 2 });
  await emulator.start();
});
afterEach(() => emulator.stop());

test('a missing or wrong site:key is refused with 401, on every route', async () => {
  expect(await call('GET', '/api/v1/roles', undefined, `${emulator.site}:wrong`)).toMatchObject({ status: 401, body: { error: 'Unauthorized: invalid site or API key' } });
  expect(await call('GET', '/api/v2/users', undefined, `other-site:${emulator.apiKey}`)).toMatchObject({ status: 401 });
});

test('a write without test_mode=false is a dry run: answered as if done, nothing stored', async () => {
  for (const query of ['', '?test_mode=true']) {
    const created = await call('POST', `/api/v2/users${query}`, newUser('dry@example.com'));
    expect(created).toMatchObject({ status: 201, body: { user: { email: 'dry@example.com' } } });
  }
  expect(emulator.snapshotState().users.map((user) => user.email)).toEqual([PERISCOPE_ADMIN_EMAIL]);
  expect((await call('POST', '/api/v2/users?test_mode=false', newUser('Wet@Example.com'))).status).toBe(201);
  expect(emulator.snapshotState().users.map((user) => user.email)).toEqual([PERISCOPE_ADMIN_EMAIL, 'wet@example.com']);
});

test('users and dashboards come in small pages chained by next_page_start', async () => {
  for (const email of ['b@example.com', 'c@example.com']) await call('POST', '/api/v2/users?test_mode=false', newUser(email));
  const first = await call('GET', '/api/v2/users');
  expect(first.body).toMatchObject({ items_this_page: 2, next_page_start: expect.any(String) });
  const second = await call('GET', `/api/v2/users?next_page_start=${first.body.next_page_start}`);
  expect(second.body).toMatchObject({ users: [{ email: 'c@example.com' }], next_page_start: null, items_this_page: 1 });
  for (const name of ['One', 'Two', 'Three']) await call('POST', '/api/v1/dashboards?test_mode=false', { name });
  const dashboards = await call('GET', '/api/v1/dashboards');
  expect(dashboards.body.dashboards.map((dashboard: { id: unknown }) => typeof dashboard.id)).toEqual(['number', 'number']);
  expect((await call('GET', `/api/v1/dashboards?next_page_start=${dashboards.body.next_page_start}`)).body.dashboards).toEqual([expect.objectContaining({ name: 'Three' })]);
});

test('Everyone is in every user and stays there; the last admin can neither be deleted nor lose Admin', async () => {
  const everyone = await roleId('Everyone');
  const analyst = await roleId('Analyst');
  const user = (await call('POST', '/api/v2/users?test_mode=false', newUser('d@example.com', [analyst]))).body.user;
  expect(user.roles.sort()).toEqual([analyst, everyone].sort());
  expect((await call('PUT', `/api/v2/users/${user.id}?test_mode=false`, { roles: [] })).body.user.roles).toEqual([everyone]);
  expect((await call('GET', `/api/v2/users/${user.id}`)).body).toEqual({ user: expect.objectContaining({ id: user.id }) });
  expect(await call('DELETE', '/api/v2/users/u1000?test_mode=false')).toMatchObject({ status: 422, body: { error: 'Cannot delete the last admin of the site' } });
  expect(await call('PUT', '/api/v2/users/u1000?test_mode=false', { roles: [everyone] })).toMatchObject({ status: 422, body: { errors: { roles: ['cannot remove the Admin role from the last admin'] } } });
});

test('a role PUT replaces the role whole, an array left out is cleared; default roles keep their names and cannot be deleted; names are unique ignoring case', async () => {
  const dashboard = (await call('POST', '/api/v1/dashboards?test_mode=false', { name: 'KPIs' })).body.dashboard;
  const created = await call('POST', '/api/v1/roles?test_mode=false', {
    name: 'Readers',
    created_by_email: PERISCOPE_ADMIN_EMAIL,
    privileges: [{ object_type: 'Dashboard', permissions: ['read_dashboards'] }],
    permissions: [{ object_type: 'Dashboard', object_id: String(dashboard.id), permissions: ['read_dashboards'] }],
  });
  expect(created.body.role).toMatchObject({ name: 'Readers', permissions: [{ object_id: dashboard.id }] });
  await call('PUT', `/api/v1/roles/${created.body.role.id}?test_mode=false`, { name: 'Readers', updated_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [] });
  expect((await call('GET', `/api/v1/roles/${created.body.role.id}`)).body).toMatchObject({ name: 'Readers', privileges: [], permissions: [] });
  expect((await call('POST', '/api/v1/roles?test_mode=false', { name: 'READERS', created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).status).toBe(409);
  const analyst = await roleId('Analyst');
  expect((await call('PUT', `/api/v1/roles/${analyst}?test_mode=false`, { name: 'Renamed', updated_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).status).toBe(422);
  expect((await call('DELETE', `/api/v1/roles/${analyst}?test_mode=false`)).status).toBe(422);
  expect(await call('PUT', `/api/v1/roles/${analyst}?test_mode=false`, { name: 'Analyst', updated_by_email: 'nobody@example.com', privileges: [], permissions: [{ object_type: 'Dashboard', object_id: 1, permissions: ['x'] }] })).toMatchObject({
    status: 422,
    body: { errors: { updated_by_email: ['must be the email of a site admin'], permissions: ['name an unknown dashboard 1'] } },
  });
});

test('a route it does not serve answers an HTML 404 page; an injected 429 carries Retry-After', async () => {
  const missing = await call('GET', '/api/v1/role/1');
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toContain('text/html');
  emulator.failNext(1, 429, 2);
  const limited = await call('GET', '/api/v1/roles');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('2');
});

test('state survives a restart in its file, and every request is in the log with its query', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-emulator-'));
  try {
    const stateFile = join(dir, 'periscope.json');
    const first = new PeriscopeEmulator({ stateFile });
    await first.start();
    await fetch(`${first.url}/api/v1/roles?test_mode=false`, {
      method: 'POST',
      headers: { 'HTTP-X-PARTNER-AUTH': `${first.site}:${first.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Kept', created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] }),
    });
    expect(first.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/api/v1/roles', query: 'test_mode=false', status: 201 })]);
    await first.stop();
    const second = new PeriscopeEmulator({ stateFile });
    expect(second.snapshotState().roles.map((role) => role.name)).toContain('Kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
