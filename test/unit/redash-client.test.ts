// The Redash client and its access adapter against the emulator: no duplicates when a write's
// answer is lost, no lost membership writes in parallel, a two-step link that fails half-way
// reported with what exists, duplicate rows repaired, a refused key or wrong URL never read as
// "gone", the rate limit explained.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PartialWriteError, type Grant } from '../../src/access/model';
import { BaseUrlError, VendorApiError } from '../../src/framework/http';
import { AttributeError } from '../../src/framework/definitions';
import { redashAccess, type RedashAccess } from '../../src/vendors/redash/access';
import { RedashApi, RedashAuthenticationError } from '../../src/vendors/redash/client';
import { optionsAsStrings, typedOptions } from '../../src/vendors/redash/data-source';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';

jest.setTimeout(30_000);

let emulator: RedashEmulator;
let proxy: LossyProxy;
let api: RedashApi;
let access: RedashAccess;

/**
 * Forwards to the emulator; a request matching a rule is answered by the rule instead: `lost`
 * forwards it (Redash applies it) but answers 500, as when the response is lost; `answer` does
 * not forward it at all.
 */
class LossyProxy {
  private server?: http.Server;
  private rules: Array<{ method: string; path: RegExp; times: number; mode: 'lost' | 'answer'; status: number }> = [];

  constructor(private readonly target: () => string) {}

  after(method: string, path: RegExp, times = 1): void {
    this.rules.push({ method, path, times, mode: 'lost', status: 500 });
  }

  refuse(method: string, path: RegExp, status: number, times = 1): void {
    this.rules.push({ method, path, times, mode: 'answer', status });
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        const rule = this.rules.find((candidate) => candidate.times > 0 && candidate.method === req.method && candidate.path.test(req.url!.split('?')[0]));
        if (rule) rule.times--;
        if (rule?.mode === 'answer') {
          res.writeHead(rule.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'refused by the test proxy' }));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
        const answer = await fetch(this.target() + req.url, { method: req.method, headers, body: body.length > 0 ? body : undefined });
        const text = await answer.text();
        if (rule?.mode === 'lost') {
          res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'Internal Server Error' }));
          return;
        }
        res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json', ...(answer.headers.get('retry-after') ? { 'Retry-After': answer.headers.get('retry-after')! } : {}) }).end(text);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

function clientFor(baseUrl: string, apiKey = REDASH_ADMIN_API_KEY): RedashApi {
  return new RedashApi({ baseUrl, apiKey, retry: { baseDelayMs: 20, budgetMs: 15_000 } });
}

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

beforeEach(async () => {
  emulator = new RedashEmulator();
  await emulator.start();
  proxy = new LossyProxy(() => emulator.url);
  api = clientFor(await proxy.start());
  access = redashAccess(api);
});

const group = (id: number) => ({ kind: 'group' as const, id: String(id) });
const user = (id: number) => ({ kind: 'user' as const, id: String(id) });
const dataSourceGrant = (groupId: number, dataSourceId: number, level: 'view' | 'query'): Grant => ({ object: { kind: 'data_source', id: String(dataSourceId) }, principal: group(groupId), level });

afterEach(async () => {
  api.http.close();
  await proxy.stop();
  await emulator.stop();
});

test('a user create whose answer is lost is found by email, not created twice', async () => {
  proxy.after('POST', /^\/api\/users$/);
  const created = await api.createUser('Jane', 'Jane@Example.com', false);
  expect(created).toMatchObject({ email: 'jane@example.com', is_invitation_pending: true });
  expect(emulator.snapshotState().users.filter((user) => user.email === 'jane@example.com')).toHaveLength(1);
});

test('a group and a data source whose create answer is lost are adopted, not duplicated', async () => {
  proxy.after('POST', /^\/api\/groups$/);
  proxy.after('POST', /^\/api\/data_sources$/);
  const group = await api.createGroup('analysts');
  const dataSource = await api.createDataSource({ name: 'db', type: 'pg', options: { dbname: 'x' } });
  const state = emulator.snapshotState();
  expect(state.groups.filter((candidate) => candidate.name === 'analysts').map((candidate) => candidate.id)).toEqual([group.id]);
  expect(state.dataSources.map((candidate) => candidate.id)).toEqual([dataSource.id]);
});

test('20 parallel memberships of one user, with lost answers, all land once', async () => {
  const created = await admin('POST', '/api/users', { name: 'U', email: 'u@example.com' });
  const groups: number[] = [];
  for (let i = 0; i < 20; i++) groups.push((await admin('POST', '/api/groups', { name: `g${i}` })).id);
  proxy.after('POST', /^\/api\/groups\/\d+\/members$/, 5);
  emulator.clearRequestLog();
  await Promise.all(groups.map((groupId) => access.setMembership({ group: group(groupId), member: { kind: 'user', id: String(created.id) } })));
  // One fresh read of the user for all 20 (they arrive together), then one append each, plus the lookups after the 5 lost answers.
  expect(emulator.countRequests({ method: 'GET', path: `/api/users/${created.id}` })).toBeLessThanOrEqual(1 + 5);
  await Promise.all(groups.slice(0, 3).map((groupId) => access.setMembership({ group: group(groupId), member: { kind: 'user', id: String(created.id) } }))); // again: already there
  const stored = emulator.snapshotState().users.find((candidate) => candidate.id === created.id)!;
  expect([...stored.groups].sort((a, b) => a - b)).toEqual([2, ...groups]);
});

test('a new membership costs one request; an existing one is adopted, its extra copy taken out; an unknown group or user is named', async () => {
  const member = await admin('POST', '/api/users', { name: 'U', email: 'u@example.com' });
  const made = await admin('POST', '/api/groups', { name: 'g' });
  const existing = await admin('POST', '/api/groups', { name: 'h' });
  await admin('POST', `/api/groups/${existing.id}/members`, { user_id: member.id });
  emulator.clearRequestLog();
  await access.setMembership({ group: group(made.id), member: user(member.id) });
  expect(emulator.countRequests()).toBe(1);
  await access.setMembership({ group: group(existing.id), member: user(member.id) });
  expect([...emulator.snapshotState().users.find((candidate) => candidate.id === member.id)!.groups].sort((a, b) => a - b)).toEqual([2, made.id, existing.id].sort((a, b) => a - b));
  await expect(access.setMembership({ group: group(999), member: user(member.id) })).rejects.toMatchObject({ subject: 'group', message: 'Redash has no group with id 999.' });
  await expect(access.setMembership({ group: group(made.id), member: user(999) })).rejects.toMatchObject({ subject: 'member', message: 'Redash has no user with id 999.' });
});

test('removing a member takes every copy out; removing a non-member is not an error', async () => {
  const member = await admin('POST', '/api/users', { name: 'U', email: 'u@example.com' });
  const made = await admin('POST', '/api/groups', { name: 'g' });
  await admin('POST', `/api/groups/${made.id}/members`, { user_id: member.id });
  await admin('POST', `/api/groups/${made.id}/members`, { user_id: member.id });
  proxy.after('DELETE', /^\/api\/groups\/\d+\/members\/\d+$/);
  await access.removeMembership(group(made.id), user(member.id));
  await access.removeMembership(group(made.id), user(member.id));
  expect(emulator.snapshotState().users.find((candidate) => candidate.id === member.id)!.groups).toEqual([2]);
});

test('a link whose attach answer is lost is not attached twice; view_only is then set', async () => {
  const made = await admin('POST', '/api/groups', { name: 'g' });
  const ds = await admin('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } });
  proxy.after('POST', /^\/api\/groups\/\d+\/data_sources$/);
  await access.setGrant(dataSourceGrant(made.id, ds.id, 'view'));
  await access.setGrant(dataSourceGrant(made.id, ds.id, 'view'));
  const links = emulator.snapshotState().links.filter((link) => link.group_id === made.id);
  expect(links).toEqual([expect.objectContaining({ data_source_id: ds.id, view_only: true })]);
});

test('if view_only cannot be set after attaching, the failure says the group has full access and carries that grant, which is what exists', async () => {
  const made = await admin('POST', '/api/groups', { name: 'g' });
  const ds = await admin('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } });
  proxy.refuse('POST', /^\/api\/groups\/\d+\/data_sources\/\d+$/, 403);
  const failure = await access.setGrant(dataSourceGrant(made.id, ds.id, 'view')).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(PartialWriteError);
  expect((failure as Error).message).toMatch(/403[\s\S]*the group has FULL access to it until the next apply replaces it/);
  expect((failure as PartialWriteError<Grant>).actual).toEqual(dataSourceGrant(made.id, ds.id, 'query'));
  expect(emulator.snapshotState().links.filter((link) => link.group_id === made.id)).toEqual([expect.objectContaining({ data_source_id: ds.id, view_only: false })]);
});

test('a pair linked twice by hand is still read, and changing view_only repairs it to one row', async () => {
  const made = await admin('POST', '/api/groups', { name: 'g' });
  const ds = await admin('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } });
  await admin('POST', `/api/groups/${made.id}/data_sources`, { data_source_id: ds.id });
  await admin('POST', `/api/groups/${made.id}/data_sources`, { data_source_id: ds.id });
  expect(await access.findGrant({ kind: 'data_source', id: String(ds.id) }, group(made.id))).toEqual(dataSourceGrant(made.id, ds.id, 'query'));
  await access.setGrant(dataSourceGrant(made.id, ds.id, 'view'));
  expect(emulator.snapshotState().links.filter((link) => link.group_id === made.id)).toEqual([expect.objectContaining({ view_only: true })]);
});

test('a refused API key is an authentication error naming the fix, never a 404 that reads as "gone", and never shows the key', async () => {
  const wrongKey = 'wrong-key-do-not-print';
  const refused = clientFor(emulator.url, wrongKey);
  try {
    const failure = await refused.findGroup(1).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedashAuthenticationError);
    expect(String((failure as Error).message)).toContain('REDASH_API_KEY');
    expect(String((failure as Error).message)).not.toContain(wrongKey);
    await expect(refused.getUser(1)).rejects.toBeInstanceOf(RedashAuthenticationError);
  } finally {
    refused.http.close();
  }
});

test('a URL that does not lead to Redash\'s API is reported as such, not as objects that are gone', async () => {
  const misplaced = clientFor(`${emulator.url}/no-such-org`);
  try {
    const failure = await misplaced.findUser(1).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BaseUrlError);
    expect(failure).not.toBeInstanceOf(VendorApiError);
    expect(String((failure as Error).message)).toMatch(/GET \/api\/users\?.* returned 404[\s\S]*check redash.url \(REDASH_URL\)/);
    // A single object read says the same instead of "gone".
    await expect(misplaced.getUser(1)).rejects.toBeInstanceOf(BaseUrlError);
    await expect(redashAccess(misplaced).findGrant({ kind: 'dashboard', id: '1' }, user(1))).rejects.toBeInstanceOf(BaseUrlError);
  } finally {
    misplaced.http.close();
  }
});

test('the user rate limit: Retry-After is honoured; without it the error explains the limit', async () => {
  emulator.setUserRateLimits({ create: [{ count: 1, perSeconds: 2 }], retryAfterHeader: true });
  await api.createUser('A', 'a@example.com', false);
  const started = Date.now();
  await api.createUser('B', 'b@example.com', false);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  emulator.setUserRateLimits({ update: [{ count: 1, perSeconds: 3600 }] });
  await api.updateUser(2, { name: 'A2' });
  await expect(api.updateUser(2, { name: 'A3' })).rejects.toThrow(/returned 429[\s\S]*1 per 1 hour[\s\S]*limits user updates to 50 per hour/);
  expect(emulator.snapshotState().users.find((user) => user.id === 2)!.name).toBe('A2');
});

test('email lookups ignore case, include disabled users, and page through more than 250 users', async () => {
  emulator.setUserRateLimits(null);
  for (let i = 0; i < 260; i++) await admin('POST', '/api/users?no_invite', { name: `U${i}`, email: `u${i}@example.com` });
  const target = await admin('POST', '/api/users?no_invite', { name: 'Jane', email: 'jane@example.com' });
  await admin('POST', `/api/users/${target.id}`, { email: 'Jane@Example.com' });
  await admin('POST', `/api/users/${target.id}/disable`);
  expect((await api.findUsersByEmail('jane@EXAMPLE.com')).map((user) => user.id)).toEqual([]); // neither spelling matches case-sensitively
  expect((await api.findUsersByEmail('Jane@Example.com')).map((user) => user.id)).toEqual([target.id]);
  emulator.clearRequestLog();
  expect(await api.listUsers(false)).toHaveLength(261);
  expect((await api.findUser(target.id))?.is_disabled).toBe(true);
  expect(emulator.countRequests({ method: 'GET', path: '/api/users' })).toBe(3); // two pages, then the disabled listing
});

test('options are converted to the runner types, and read back without false drift or secrets', () => {
  const pg = { type: 'pg', name: 'PostgreSQL', configuration_schema: { properties: { port: { type: 'number' }, dbname: { type: 'string' }, ssl: { type: 'boolean' }, password: { type: 'string' } }, required: ['dbname'], secret: ['password'] } };
  expect(typedOptions(pg, { port: '5432', dbname: 'x', ssl: 'true', password: 'p' })).toEqual({ port: 5432, dbname: 'x', ssl: true, password: 'p' });
  expect(() => typedOptions(pg, { port: 'abc', dbname: 'x' })).toThrow(AttributeError);
  expect(() => typedOptions(pg, { port: 'abc', dbname: 'x' })).toThrow('options.port must be a number');
  expect(() => typedOptions(pg, { port: '1' })).toThrow('requires options.dbname');
  const known = { port: '05432', dbname: 'x', password: 'p' };
  expect(optionsAsStrings(pg, { port: 5432, dbname: 'x', password: '--------' }, known)).toEqual(known);
  expect(optionsAsStrings(pg, { port: 5433, dbname: 'y', password: '--------', ssl: true }, known)).toEqual({ port: '5433', dbname: 'y', password: 'p', ssl: 'true' });
  expect(optionsAsStrings(pg, { dbname: 'x', password: '--------' }, {})).toEqual({ dbname: 'x' }); // an unknown secret is left for the next apply to send
});
