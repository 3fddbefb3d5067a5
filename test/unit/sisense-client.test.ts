// The Sisense client handles both readings of what is not known about Sisense: adminAccess
// refused on the caller's own dashboards (fallback, remembered), v1 lists paged until a short page
// and safe when a server ignores `skip`, `?email=` matching part of an address, a rename answering
// 200 for an unknown group, and error bodies with or without the `error` envelope.
import { Emulator, type EmulatorResponse } from '../../src/emulator/base';
import { SisenseApi } from '../../src/vendors/sisense/client';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';

const emulator = new SisenseEmulator();
const api = () => new SisenseApi({ baseUrl: emulator.url, credentials: { token: SISENSE_ADMIN_TOKEN }, retry: { baseDelayMs: 5, maxDelayMs: 20 } });

beforeAll(() => emulator.start());
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.resetState();
  emulator.clearRequestLog();
});

test('shares of another owner\'s dashboard go with adminAccess; on the caller\'s own the refusal falls back once and is remembered', async () => {
  const owner = emulator.addUser('owner@example.com', { role: 'contributor', password: 'pw' });
  const theirs = emulator.addDashboard('Theirs', { owner: owner._id });
  const mine = emulator.addDashboard('Mine');
  const client = api();
  expect(await client.dashboardShares(theirs.oid)).toEqual([{ shareId: owner._id, type: 'user', subscribe: false }]);
  expect(await client.dashboardShares(mine.oid, { fresh: true })).toHaveLength(1);
  await client.writeDashboardShares(mine.oid, [{ shareId: emulator.snapshotState().users[0]._id, type: 'user', subscribe: false }]);
  await client.publishDashboard(mine.oid);
  const onMine = emulator.requests.filter((entry) => entry.path.includes(mine.oid)).map((entry) => `${entry.method} ${entry.query.includes('adminAccess') ? 'admin' : 'own'} ${entry.status}`);
  expect(onMine).toEqual(['GET admin 403', 'GET own 200', 'POST own 200', 'POST own 200']);
  expect(await client.dashboardShares('5f3a00000000000000000fff')).toBeUndefined(); // gone, whichever way asked
});

test('lists: every page is read (130 users, pages of 100), and an email is compared exactly', async () => {
  for (let index = 0; index < 128; index++) emulator.addUser(`user${index}@example.com`);
  emulator.addUser('joann@example.com');
  const client = api();
  expect(await client.listUsers()).toHaveLength(130);
  expect(await client.findUserByEmail('ann@example.com')).toBeUndefined(); // joann@ matches ?email= but is not Ann
  expect(await client.findUserByEmail('JOANN@example.com')).toMatchObject({ email: 'joann@example.com' });
});

test('a list from a server that ignores skip ends instead of looping', async () => {
  class IgnoresSkip extends Emulator<Record<string, never>> {
    constructor() {
      super({ name: 'ignores-skip' });
      const users = Array.from({ length: 100 }, (_, index) => ({ _id: index.toString(16).padStart(24, '0'), email: `u${index}@example.com`, userName: `u${index}`, roleId: 'r' }));
      this.route('GET', '/api/v1/users', (): EmulatorResponse => ({ status: 200, body: users }));
    }
    protected initialState() {
      return {};
    }
  }
  const server = new IgnoresSkip();
  const url = await server.start();
  try {
    const client = new SisenseApi({ baseUrl: url, credentials: { token: 't' } });
    expect(await client.listUsers()).toHaveLength(100);
    expect(server.countRequests()).toBe(2);
  } finally {
    await server.stop();
  }
});

test('a rename of an unknown group is false (200 with n: 0), of a known one true', async () => {
  const client = api();
  const group = await client.createGroup('Analysts');
  expect(await client.renameGroup('5f3a00000000000000000fff', 'X')).toBe(false);
  expect(await client.renameGroup(group._id, 'Data Analysts')).toBe(true);
  expect((await client.getGroup(group._id, { fresh: true }))?.name).toBe('Data Analysts');
});

test('error messages come from the v1 envelope and from v0.9 bodies without it', async () => {
  const client = api();
  await client.createGroup('Analysts');
  await expect(client.http.post('/api/v1/groups', { name: 'Analysts' })).rejects.toThrow(/409.*Group already exists/);
  await expect(client.http.put('/api/groups/5f3a00000000000000000fff', {})).resolves.toEqual([0, { n: 0, nModified: 0, ok: 1 }]);
  await expect(client.http.get('/api/groups/5f3a00000000000000000fff/users')).rejects.toThrow(/404.*Group not found/);
});
