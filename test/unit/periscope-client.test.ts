// The Periscope client under both readings of every unknown: lists as bare arrays or cursor pages,
// objects bare or wrapped, ids numbers or strings (sent back as the site spelled them), Rails-style
// error bodies; and what never reads as "gone" (an HTML 404 of a route, a refused key), a site that
// ignores a change of roles, a missing admin email, test_mode=false on every write.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaseUrlError, VendorApiError } from '../../src/framework/http';
import { VendorConfigError } from '../../src/framework/definitions';
import { listPage, periscopeErrorMessage, PeriscopeApi, PeriscopeAuthenticationError, PeriscopeIgnoredWriteError, unwrap } from '../../src/vendors/periscope/client';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';

const FAST = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

/** A site answering from a table of `METHOD path` → [status, body]; every request is recorded. */
class StubSite {
  readonly requests: Array<{ method: string; url: string; body: any }> = [];
  private server?: http.Server;
  constructor(private readonly answers: Record<string, [number, unknown] | ((body: any) => [number, unknown])>) {}
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const body = raw ? JSON.parse(raw) : undefined;
        this.requests.push({ method: req.method!, url: req.url!, body });
        const key = `${req.method} ${req.url!.split('?')[0]}`;
        const answer = this.answers[key];
        const [status, payload] = typeof answer === 'function' ? answer(body) : (answer ?? [404, '<html><head><title>Not Found</title></head></html>']);
        const html = typeof payload === 'string';
        res.writeHead(status, { 'Content-Type': html ? 'text/html' : 'application/json' }).end(html ? payload : JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

test('a list is read bare or as cursor pages; an object bare or wrapped', () => {
  expect(listPage([{ id: 1 }], 'users')).toEqual({ items: [{ id: 1 }] });
  expect(listPage({ users: [{ id: 1 }], next_page_start: 'abc' }, 'users')).toEqual({ items: [{ id: 1 }], next: 'abc' });
  expect(listPage({ users: [], next_page_start: 'abc' }, 'users')).toEqual({ items: [], next: undefined });
  expect(listPage({ other: [] }, 'users')).toBeUndefined();
  expect(unwrap({ user: { id: 'u1' } }, 'user')).toEqual({ id: 'u1' });
  expect(unwrap({ id: 'u1', name: 'x' }, 'user')).toEqual({ id: 'u1', name: 'x' });
  expect(periscopeErrorMessage({ errors: { email: ['has already been taken'], roles: ['is invalid'] } })).toBe('email has already been taken; roles is invalid');
  expect(periscopeErrorMessage({ error: 'x' })).toBeUndefined(); // the common shapes are read by the HTTP base
});

describe('against a site that answers the other readings', () => {
  const site = new StubSite({
    // Bare arrays, numeric user and dashboard ids, string role ids, bare single user.
    'GET /api/v1/roles': [200, [{ id: 'r-everyone', name: 'Everyone', privileges: [], permissions: [] }, { id: 'r-7', name: 'Analysts', description: null, permissions: [{ object_type: 'Dashboard', object_id: 42, permissions: ['read_dashboards'] }] }]],
    'GET /api/v2/users': [200, [{ id: 1001, email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', roles: [{ id: 'r-7', name: 'Analysts' }] }]],
    'GET /api/v2/users/1001': [200, { id: 1001, email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', roles: ['r-7'] }],
    'PUT /api/v2/users/1001': [200, {}], // answered, but the roles read back stay as they were
    'GET /api/v1/dashboards': [200, { dashboards: [{ id: 42, name: 'KPIs' }], next_page_start: null }],
    'PUT /api/v1/roles/r-7': [200, {}],
    'POST /api/v1/roles': [422, { errors: { name: ['has already been taken'] } }],
  });
  let api: PeriscopeApi;
  beforeAll(async () => {
    api = new PeriscopeApi({ baseUrl: await site.start(), site: 's', apiKey: 'stub-key-123', adminEmail: 'admin@example.com', retry: FAST });
  });
  afterAll(() => site.stop());

  test('ids become strings, roles given as objects become ids, and ids go back as the site spelled them', async () => {
    expect(await api.findUser('1001')).toEqual({ id: '1001', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', roles: ['r-7'] });
    expect(await api.listDashboards()).toEqual([{ id: '42', name: 'KPIs' }]);
    const role = (await api.findRole('r-7'))!;
    expect(role).toMatchObject({ description: '', privileges: [], permissions: [{ object_type: 'Dashboard', object_id: '42', permissions: ['read_dashboards'] }] });
    await api.updateRole(role);
    const put = site.requests.find((request) => request.method === 'PUT' && request.url.startsWith('/api/v1/roles/r-7'))!;
    expect(put.url).toBe('/api/v1/roles/r-7?test_mode=false');
    // Both arrays always, the dashboard id as the number the site gave, the admin as author.
    expect(put.body).toEqual({ name: 'Analysts', description: '', updated_by_email: 'admin@example.com', privileges: [], permissions: [{ object_type: 'Dashboard', object_id: 42, permissions: ['read_dashboards'] }] });
  });

  test('a change of roles the site answers but does not make fails saying so', async () => {
    await expect(api.replaceUserRoles('1001', ['r-7', 'r-8'])).rejects.toThrow(PeriscopeIgnoredWriteError);
    await expect(api.replaceUserRoles('1001', ['r-7', 'r-8'])).rejects.toThrow(/with the roles \[r-7, r-8\] was answered with success, but the user's roles read back are \[r-7\]/);
    // Everyone counts as there either way.
    await expect(api.replaceUserRoles('1001', ['r-7', 'r-everyone'])).resolves.toBeUndefined();
  });

  test('a 404 HTML page for a user the list has is an error, never "gone"; a user neither has is gone', async () => {
    await expect(api.getUser('1001x')).resolves.toBeUndefined();
    const siteWithoutTheRoute = new StubSite({ 'GET /api/v1/roles': [200, { roles: [] }], 'GET /api/v2/users': [200, { users: [{ id: 'u5', email: 'e@example.com' }], next_page_start: null }] });
    const other = new PeriscopeApi({ baseUrl: await siteWithoutTheRoute.start(), site: 's', apiKey: 'k', retry: FAST });
    try {
      await expect(other.getUser('u5')).rejects.toThrow(/GET \/api\/v2\/users\/u5 returned 404 Not Found/);
    } finally {
      await siteWithoutTheRoute.stop();
    }
  });

  test('Rails-style validation errors are read', async () => {
    await expect(api.createRole({ name: 'Analysts', description: '', privileges: [] })).rejects.toThrow('POST /api/v1/roles?test_mode=false returned 422 Unprocessable Entity: name has already been taken');
  });
});

describe('against the emulator', () => {
  const emulator = new PeriscopeEmulator({ userPageSize: 2, dashboardPageSize: 2 });
  let api: PeriscopeApi;
  beforeAll(async () => {
    api = new PeriscopeApi({ baseUrl: await emulator.start(), site: emulator.site, apiKey: emulator.apiKey, adminEmail: PERISCOPE_ADMIN_EMAIL, retry: FAST });
  });
  afterAll(() => emulator.stop());

  test('every write sends test_mode=false and is stored; lists follow every page', async () => {
    emulator.clearRequestLog();
    for (let i = 0; i < 5; i++) emulator.addDashboard(`D${i}`);
    const user = await api.createUser({ email: 'Zoe@Example.com', first_name: 'Zoe', last_name: 'Z' });
    const role = await api.createRole({ name: 'Team', description: 'd', privileges: [{ object_type: 'Dashboard', permissions: ['read_dashboards'] }] });
    await api.replaceUserRoles(user.id, [...user.roles, role.id]);
    await api.updateUserNames(user.id, { first_name: 'Zoë', last_name: 'Z' });
    await api.updateRole({ ...role, permissions: [{ object_type: 'Dashboard', object_id: (await api.listDashboards())[4].id, permissions: ['read_dashboards'] }] });
    await api.deleteRole(role.id);
    await api.deleteUser(user.id);
    const writes = emulator.requests.filter((request) => request.method !== 'GET');
    expect(writes.map((request) => `${request.method} ${request.query}`)).toEqual(['POST test_mode=false', 'POST test_mode=false', 'PUT test_mode=false', 'PUT test_mode=false', 'PUT test_mode=false', 'DELETE test_mode=false', 'DELETE test_mode=false']);
    expect(writes.every((request) => request.status < 300)).toBe(true);
    expect((await api.listDashboards({ fresh: true })).map((dashboard) => dashboard.name)).toEqual(['D0', 'D1', 'D2', 'D3', 'D4']);
    expect(emulator.countRequests({ method: 'GET', path: '/api/v1/dashboards' })).toBeGreaterThanOrEqual(3);
  });

  test('a wrong base URL, a refused key and a missing admin email are errors naming the setting, with no key in them', async () => {
    const wrongUrl = new PeriscopeApi({ baseUrl: `${emulator.url}/app`, site: emulator.site, apiKey: emulator.apiKey, retry: FAST });
    await expect(wrongUrl.getUser('u1000')).rejects.toThrow(BaseUrlError);
    await expect(wrongUrl.getUser('u1000')).rejects.toThrow(/check periscope\.url \(PERISCOPE_URL\)/);
    const wrongKey = new PeriscopeApi({ baseUrl: emulator.url, site: emulator.site, apiKey: 'not-the-key-987', retry: FAST });
    const refused = await wrongKey.findUser('u1000').catch((error: Error) => error);
    expect(refused).toBeInstanceOf(PeriscopeAuthenticationError);
    expect(refused).not.toBeInstanceOf(VendorApiError);
    expect((refused as Error).message).toMatch(/periscope\.site \(PERISCOPE_SITE.*periscope\.api_key \(PERISCOPE_API_KEY/s);
    expect((refused as Error).message).not.toContain('not-the-key-987');
    const noAdmin = new PeriscopeApi({ baseUrl: emulator.url, site: emulator.site, apiKey: emulator.apiKey, retry: FAST });
    const missing = await noAdmin.createRole({ name: 'X', description: '', privileges: [] }).catch((error: Error) => error);
    expect(missing).toBeInstanceOf(VendorConfigError);
    expect(missing).toMatchObject({ attribute: 'admin_email', message: expect.stringContaining('periscope.admin_email is not set') });
  });

  test('a create that fails with 503 is sent again only after the list shows it was not made, and is made once', async () => {
    emulator.failNext(1, 503);
    const user = await api.createUser({ email: 'once@example.com', first_name: 'Once', last_name: 'Only' });
    expect(emulator.snapshotState().users.filter((candidate) => candidate.email === 'once@example.com')).toEqual([expect.objectContaining({ id: user.id })]);
  });
});
