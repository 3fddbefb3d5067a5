// The Redash emulator reproduces the behaviour the provider must cope with, checked with plain
// HTTP as a client would see it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { findVendor } from '../../src/vendors';

let emulator: RedashEmulator;
let url: string;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url + pathAndQuery, {
    method,
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}

const internalError = { message: 'Internal Server Error' };

beforeEach(async () => {
  emulator = new RedashEmulator();
  url = await emulator.start();
});

afterEach(async () => {
  await emulator.stop();
});

describe('authentication', () => {
  test('a missing, wrong or non-"Key" credential is answered 404 with the login message, not 401', async () => {
    const login = { message: "Couldn't find resource. Please login and try again." };
    expect(await call('GET', '/api/groups', undefined, { Authorization: '' })).toMatchObject({ status: 404, body: login });
    expect(await call('GET', '/api/groups', undefined, { Authorization: 'Key wrong' })).toMatchObject({ status: 404, body: login });
    expect(await call('GET', '/api/groups', undefined, { Authorization: `Bearer ${REDASH_ADMIN_API_KEY}` })).toMatchObject({ status: 404, body: login });
    expect(await call('GET', '/api/no-such-route', undefined, { Authorization: '' })).toMatchObject({ status: 404, body: login });
  });

  test('the key is taken from ?api_key= first, else from "Authorization: Key …"', async () => {
    expect((await call('GET', `/api/groups?api_key=${REDASH_ADMIN_API_KEY}`, undefined, { Authorization: 'Key wrong' })).status).toBe(200);
    expect((await call('GET', '/api/groups')).status).toBe(200);
  });

  test('the key of a disabled user is refused; a non-admin key cannot administer', async () => {
    const created = await call('POST', '/api/users?no_invite', { name: 'Ann', email: 'ann@example.com' });
    const annKey = created.body.api_key as string;
    expect((await call('POST', '/api/groups', { name: 'x' }, { Authorization: `Key ${annKey}` })).status).toBe(403);
    expect((await call('GET', '/api/users', undefined, { Authorization: `Key ${annKey}` })).status).toBe(200); // default group: list_users
    await call('POST', `/api/users/${created.body.id}/disable`);
    expect((await call('GET', '/api/groups', undefined, { Authorization: `Key ${annKey}` })).status).toBe(404);
  });

  test('connectionEnvironment points the provider at the emulator; the launcher registry builds one', async () => {
    expect(emulator.connectionEnvironment()).toEqual({ REDASH_URL: url, REDASH_API_KEY: REDASH_ADMIN_API_KEY });
    const launched = (await findVendor('redash')!.emulator!()).create({});
    expect(launched).toBeInstanceOf(RedashEmulator);
  });
});

describe('users', () => {
  test('a created user is a pending invitation in the default group, email lower-cased; the invite is mailed unless no_invite', async () => {
    const invited = await call('POST', '/api/users', { name: 'Jane', email: 'Jane@Example.com' });
    expect(invited.status).toBe(200);
    expect(invited.body).toMatchObject({ email: 'jane@example.com', groups: [2], is_invitation_pending: true, is_disabled: false, auth_type: 'external' });
    expect(invited.body.invite_link).toBeUndefined();
    const quiet = await call('POST', '/api/users?no_invite', { name: 'Joe', email: 'joe@example.com' });
    expect(quiet.body.invite_link).toMatch(/^\/invite\//);
    expect(emulator.snapshotState().outbox.map((mail) => mail.to)).toEqual(['jane@example.com']);
  });

  test('a taken email (of a disabled user too), a bad email and missing fields are 400s with Redash messages', async () => {
    const created = await call('POST', '/api/users', { name: 'Jane', email: 'jane@example.com' });
    await call('POST', `/api/users/${created.body.id}/disable`);
    expect(await call('POST', '/api/users', { name: 'Jane', email: 'jane@example.com' })).toMatchObject({ status: 400, body: { message: 'Email already taken.' } });
    expect(await call('POST', '/api/users', { name: 'X', email: 'no-at-sign' })).toMatchObject({ status: 400, body: { message: 'Bad email address.' } });
    expect((await call('POST', '/api/users', { name: 'X' })).status).toBe(400);
  });

  test('the list omits disabled users unless disabled=true, shows groups as de-duplicated {id,name}; a single GET keeps the raw ints', async () => {
    const user = (await call('POST', '/api/users', { name: 'Jane', email: 'jane@example.com' })).body;
    await call('POST', '/api/groups/2/members', { user_id: user.id }); // already in default: stored twice
    const listed = (await call('GET', '/api/users')).body.results.find((candidate: any) => candidate.id === user.id);
    expect(listed.groups).toEqual([{ id: 2, name: 'default' }]);
    expect((await call('GET', `/api/users/${user.id}`)).body.groups).toEqual([2, 2]);
    await call('POST', `/api/users/${user.id}/disable`);
    expect((await call('GET', '/api/users')).body.results.map((u: any) => u.id)).not.toContain(user.id);
    expect((await call('GET', '/api/users?disabled=true')).body.results.map((u: any) => u.id)).toEqual([user.id]);
  });

  test('search matches names ignoring case but emails case-sensitively', async () => {
    const user = (await call('POST', '/api/users', { name: 'Jane Doe', email: 'jane@example.com' })).body;
    await call('POST', `/api/users/${user.id}`, { email: 'Jane.Doe@Example.com' }); // updates keep the case
    expect((await call('GET', '/api/users?q=jane.doe@example.com')).body.count).toBe(0);
    expect((await call('GET', '/api/users?q=Jane.Doe@Example.com')).body.count).toBe(1);
    expect((await call('GET', '/api/users?q=JANE')).body.count).toBe(1);
  });

  test('pagination validates page and page_size with Redash messages and pages through', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/api/users', { name: `U${i}`, email: `u${i}@example.com` });
    expect(await call('GET', '/api/users?page=0')).toMatchObject({ status: 400, body: { message: 'Page must be positive integer.' } });
    expect(await call('GET', '/api/users?page_size=251')).toMatchObject({ status: 400, body: { message: 'Page size is out of range (1-250).' } });
    expect(await call('GET', '/api/users?page=9&page_size=2')).toMatchObject({ status: 400, body: { message: 'Page is out of range.' } });
    const second = await call('GET', '/api/users?page=2&page_size=2&order=created_at');
    expect(second.body).toMatchObject({ count: 4, page: 2, page_size: 2 });
    expect(second.body.results.map((u: any) => u.name)).toEqual(['U1', 'U2']);
    // No 400 for an empty listing.
    expect((await call('GET', '/api/users?disabled=true&page=3')).body).toMatchObject({ count: 0, results: [] });
  });

  test('only pending invitations can be deleted; active users are disabled instead; unknown ids answer 500', async () => {
    const pending = (await call('POST', '/api/users', { name: 'P', email: 'p@example.com' })).body;
    const active = (await call('POST', '/api/users', { name: 'A', email: 'a@example.com' })).body;
    emulator.activateUser(active.id);
    expect(await call('DELETE', `/api/users/${active.id}`)).toMatchObject({ status: 403, body: { message: 'You cannot delete activated users. Please disable the user instead.' } });
    expect((await call('DELETE', `/api/users/${pending.id}`)).status).toBe(200);
    expect(await call('DELETE', `/api/users/${pending.id}`)).toMatchObject({ status: 500, body: internalError });
    expect((await call('POST', `/api/users/${active.id}/disable`)).body).toMatchObject({ is_disabled: true });
    expect((await call('DELETE', `/api/users/${active.id}/disable`)).body).toMatchObject({ is_disabled: false });
    expect(await call('POST', '/api/users/1/disable')).toMatchObject({ status: 403, body: { message: 'You cannot disable your own account. Please ask another admin to do this for you.' } });
    expect((await call('GET', '/api/users/999')).status).toBe(404);
    expect(await call('POST', '/api/users/999', { name: 'x' })).toMatchObject({ status: 500, body: internalError });
    expect((await call('POST', '/api/users/999/disable')).status).toBe(500);
  });

  test('group_ids replaces the array; an empty list is ignored; unknown ids are rejected', async () => {
    const user = (await call('POST', '/api/users', { name: 'U', email: 'u@example.com' })).body;
    const group = (await call('POST', '/api/groups', { name: 'g' })).body;
    expect((await call('POST', `/api/users/${user.id}`, { group_ids: [group.id] })).body.groups).toEqual([group.id]);
    expect((await call('POST', `/api/users/${user.id}`, { group_ids: [] })).body.groups).toEqual([group.id]);
    expect(await call('POST', `/api/users/${user.id}`, { group_ids: [77] })).toMatchObject({ status: 400, body: { message: 'Group id 77 is invalid.' } });
  });

  test('user creates and updates are rate-limited per client (429 with the limit; Retry-After only when enabled)', async () => {
    emulator.setUserRateLimits({ create: [{ count: 2, perSeconds: 60 }], update: [{ count: 1, perSeconds: 3600 }] });
    await call('POST', '/api/users', { name: 'A', email: 'a@example.com' });
    const b = await call('POST', '/api/users', { name: 'B', email: 'b@example.com' });
    const third = await call('POST', '/api/users', { name: 'C', email: 'c@example.com' });
    expect(third).toMatchObject({ status: 429, body: { message: '2 per 1 minute' } });
    expect(third.headers.get('retry-after')).toBeNull();
    expect((await call('POST', `/api/users/${b.body.id}`, { name: 'B2' })).status).toBe(200);
    expect(await call('POST', `/api/users/${b.body.id}`, { name: 'B3' })).toMatchObject({ status: 429, body: { message: '1 per 1 hour' } });
    expect(emulator.snapshotState().users.map((user) => user.email)).not.toContain('c@example.com');
    emulator.setUserRateLimits({ create: [{ count: 1, perSeconds: 30 }], retryAfterHeader: true });
    await call('POST', '/api/users', { name: 'D', email: 'd@example.com' });
    const limited = await call('POST', '/api/users', { name: 'E', email: 'e@example.com' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    emulator.setUserRateLimits(null);
    expect((await call('POST', '/api/users', { name: 'E', email: 'e@example.com' })).status).toBe(200);
  });

  test('by default user creates are limited to 50 per hour', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) statuses.push((await call('POST', '/api/users?no_invite', { name: `U${i}`, email: `u${i}@example.com` })).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses[50]).toBe(429);
  });
});

describe('groups and members', () => {
  test('the built-in admin and default groups exist from the start and cannot be renamed or deleted', async () => {
    const groups = (await call('GET', '/api/groups')).body;
    expect(groups.map((group: any) => [group.id, group.name, group.type])).toEqual([
      [1, 'admin', 'builtin'],
      [2, 'default', 'builtin'],
    ]);
    expect(await call('POST', '/api/groups/1', { name: 'x' })).toMatchObject({ status: 400, body: { message: "Can't modify built-in groups." } });
    expect(await call('DELETE', '/api/groups/2')).toMatchObject({ status: 400, body: { message: "Can't delete built-in groups." } });
  });

  test('duplicate names are accepted; unknown ids answer 500; a body that is not JSON is a 415', async () => {
    const first = (await call('POST', '/api/groups', { name: 'analysts' })).body;
    const second = (await call('POST', '/api/groups', { name: 'analysts' })).body;
    expect(first.id).not.toBe(second.id);
    expect(second).toMatchObject({ type: 'regular', permissions: expect.arrayContaining(['create_dashboard', 'list_users']) });
    expect(await call('GET', '/api/groups/999')).toMatchObject({ status: 500, body: internalError });
    expect((await call('POST', '/api/groups/999', { name: 'x' })).status).toBe(500);
    expect((await call('DELETE', '/api/groups/999')).status).toBe(500);
    expect((await call('POST', '/api/groups', undefined)).status).toBe(415);
  });

  test('adding a member appends without de-duplication; removal takes one copy; removing a non-member is a 500', async () => {
    const user = (await call('POST', '/api/users', { name: 'U', email: 'u@example.com' })).body;
    const group = (await call('POST', '/api/groups', { name: 'g' })).body;
    await call('POST', `/api/groups/${group.id}/members`, { user_id: user.id });
    const twice = await call('POST', `/api/groups/${group.id}/members`, { user_id: user.id });
    expect(twice.body.groups).toEqual([2, group.id, group.id]);
    expect((await call('GET', `/api/groups/${group.id}/members`)).body.map((member: any) => member.id)).toEqual([user.id]);
    expect((await call('DELETE', `/api/groups/${group.id}/members/${user.id}`)).body).toBeNull();
    expect((await call('GET', `/api/users/${user.id}`)).body.groups).toEqual([2, group.id]);
    await call('DELETE', `/api/groups/${group.id}/members/${user.id}`);
    expect(await call('DELETE', `/api/groups/${group.id}/members/${user.id}`)).toMatchObject({ status: 500, body: internalError });
    expect((await call('POST', `/api/groups/${group.id}/members`, { user_id: 999 })).status).toBe(500);
    expect((await call('POST', '/api/groups/999/members', { user_id: user.id })).status).toBe(500);
  });

  test('deleting a group strips it from every member and drops its data source links', async () => {
    const user = (await call('POST', '/api/users', { name: 'U', email: 'u@example.com' })).body;
    const group = (await call('POST', '/api/groups', { name: 'g' })).body;
    const ds = (await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } })).body;
    await call('POST', `/api/groups/${group.id}/members`, { user_id: user.id });
    await call('POST', `/api/groups/${group.id}/members`, { user_id: user.id });
    await call('POST', `/api/groups/${group.id}/data_sources`, { data_source_id: ds.id });
    expect((await call('DELETE', `/api/groups/${group.id}`)).body).toBeNull();
    expect((await call('GET', `/api/users/${user.id}`)).body.groups).toEqual([2]);
    expect((await call('GET', `/api/data_sources/${ds.id}`)).body.groups).toEqual({ '2': false });
  });
});

describe('data sources and group links', () => {
  test('a new data source is linked to the default group; secrets come back masked and the placeholder keeps them', async () => {
    const created = await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'prod', port: 5432, password: 's3cret' } });
    expect(created.body).toMatchObject({ name: 'db', type: 'pg', options: { dbname: 'prod', port: 5432, password: '--------' }, groups: { '2': false } });
    await call('POST', `/api/data_sources/${created.body.id}`, { name: 'db', type: 'pg', options: { dbname: 'prod2', password: '--------' } });
    expect(emulator.snapshotState().dataSources[0].options).toEqual({ dbname: 'prod2', password: 's3cret' });
    expect((await call('GET', '/api/data_sources')).body[0]).not.toHaveProperty('options');
  });

  test('options are validated against the type (a string port is a 400), names are unique, update needs all keys', async () => {
    expect((await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x', port: '5432' } })).status).toBe(400);
    expect((await call('POST', '/api/data_sources', { name: 'db', type: 'nope', options: {} })).status).toBe(400);
    expect((await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: {} })).status).toBe(400); // dbname required
    const ds = (await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } })).body;
    expect(await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'y' } })).toMatchObject({
      status: 400,
      body: { message: 'Data source with the name db already exists.' },
    });
    expect((await call('POST', `/api/data_sources/${ds.id}`, { name: 'db', options: { dbname: 'x' } })).status).toBe(500);
    expect((await call('GET', '/api/data_sources/999')).status).toBe(404);
    expect((await call('GET', '/api/data_sources/types')).body.map((type: any) => type.type)).toContain('pg');
  });

  test('attach creates a full-access link; a second attach a second row, after which the list and the update answer 500', async () => {
    const group = (await call('POST', '/api/groups', { name: 'g' })).body;
    const ds = (await call('POST', '/api/data_sources', { name: 'db', type: 'pg', options: { dbname: 'x' } })).body;
    expect((await call('POST', `/api/groups/${group.id}/data_sources/${ds.id}`, { view_only: true })).status).toBe(500); // no link yet
    expect((await call('POST', `/api/groups/${group.id}/data_sources`, { data_source_id: ds.id })).body).toMatchObject({ id: ds.id, view_only: false });
    expect((await call('POST', `/api/groups/${group.id}/data_sources/${ds.id}`, { view_only: true })).body).toMatchObject({ view_only: true });
    expect((await call('GET', `/api/groups/${group.id}/data_sources`)).body).toMatchObject([{ id: ds.id, view_only: true }]);
    await call('POST', `/api/groups/${group.id}/data_sources`, { data_source_id: ds.id });
    expect(await call('GET', `/api/groups/${group.id}/data_sources`)).toMatchObject({ status: 500, body: internalError });
    expect((await call('POST', `/api/groups/${group.id}/data_sources/${ds.id}`, { view_only: false })).status).toBe(500);
    expect((await call('GET', `/api/data_sources/${ds.id}`)).body.groups).toHaveProperty(String(group.id)); // the map collapses duplicates
    expect((await call('DELETE', `/api/groups/${group.id}/data_sources/${ds.id}`)).body).toBeNull(); // every row of the pair
    expect((await call('GET', `/api/groups/${group.id}/data_sources`)).body).toEqual([]);
    expect((await call('GET', '/api/groups/999/data_sources')).status).toBe(404);
    expect((await call('DELETE', `/api/groups/999/data_sources/${ds.id}`)).status).toBe(500);
    expect((await call('POST', `/api/groups/${group.id}/data_sources`, { data_source_id: 999 })).status).toBe(500);
  });
});

describe('dashboards and ACL', () => {
  test('dashboards are created as drafts, found by id, by stored slug with ?legacy, and listed with pagination', async () => {
    const created = (await call('POST', '/api/dashboards', { name: 'Sales Overview' })).body;
    expect(created).toMatchObject({ name: 'Sales Overview', slug: 'sales-overview', is_draft: true, user_id: 1 });
    expect((await call('GET', `/api/dashboards/${created.id}`)).body).toMatchObject({ id: created.id, can_edit: true });
    expect((await call('GET', '/api/dashboards/sales-overview?legacy')).body.id).toBe(created.id);
    expect((await call('GET', '/api/dashboards/sales-overview')).status).toBe(404);
    expect((await call('GET', '/api/dashboards?q=sales')).body).toMatchObject({ count: 1, results: [{ id: created.id }] });
    await call('POST', `/api/dashboards/${created.id}`, { name: 'Renamed' });
    expect((await call('GET', `/api/dashboards/${created.id}`)).body.slug).toBe('renamed'); // v10+: slug of the current name
    expect((await call('GET', '/api/dashboards/sales-overview?legacy')).body.id).toBe(created.id); // the stored slug stays
  });

  test('the ACL is a dict keyed by access type; grants are idempotent per grantor; revoke removes every grant', async () => {
    const dashboard = (await call('POST', '/api/dashboards', { name: 'D' })).body;
    const user = (await call('POST', '/api/users', { name: 'U', email: 'u@example.com' })).body;
    const otherAdmin = (await call('POST', '/api/users', { name: 'Admin2', email: 'admin2@example.com' })).body;
    await call('POST', `/api/groups/1/members`, { user_id: otherAdmin.id });
    expect((await call('GET', `/api/dashboards/${dashboard.id}/acl`)).body).toEqual({});
    const grant = await call('POST', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'modify', user_id: user.id });
    expect(grant.body).toMatchObject({ object_id: dashboard.id, object_type: 'dashboards', access_type: 'modify', grantor: 1, grantee: user.id });
    await call('POST', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'modify', user_id: user.id });
    expect((await call('GET', `/api/dashboards/${dashboard.id}/acl`)).body.modify.map((u: any) => u.id)).toEqual([user.id]);
    await call('POST', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'modify', user_id: user.id }, { Authorization: `Key ${otherAdmin.api_key}` });
    expect((await call('GET', `/api/dashboards/${dashboard.id}/acl`)).body.modify.map((u: any) => u.id)).toEqual([user.id, user.id]);
    expect((await call('GET', `/api/dashboards/${dashboard.id}/acl/modify`, undefined, { Authorization: `Key ${user.api_key}` })).body).toEqual({ response: true });
    await call('DELETE', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'modify', user_id: user.id });
    expect((await call('GET', `/api/dashboards/${dashboard.id}/acl`)).body).toEqual({});
    expect(await call('POST', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'own', user_id: user.id })).toMatchObject({ status: 400, body: { message: 'Unknown access type.' } });
    expect(await call('POST', `/api/dashboards/${dashboard.id}/acl`, { access_type: 'modify', user_id: 999 })).toMatchObject({ status: 400, body: { message: 'User not found.' } });
    expect((await call('GET', '/api/dashboards/999/acl')).status).toBe(404);
    expect((await call('GET', `/api/widgets/${dashboard.id}/acl`)).status).toBe(404);
  });
});

describe('emulator machinery', () => {
  test('requests are logged and injected faults answer without running the handler', async () => {
    emulator.failNext(1, 500);
    expect((await call('POST', '/api/groups', { name: 'g' })).status).toBe(500);
    expect(emulator.snapshotState().groups).toHaveLength(2);
    expect(emulator.countRequests({ method: 'POST', path: '/api/groups', faulted: true })).toBe(1);
  });

  test('with a state file the state survives a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redash-emulator-'));
    const stateFile = path.join(dir, 'redash.json');
    try {
      const first = new RedashEmulator({ stateFile, apiKey: 'custom-key' });
      url = await first.start();
      expect((await call('GET', '/api/groups')).status).toBe(404); // the custom key is the admin's now
      await call('POST', '/api/groups', { name: 'kept' }, { Authorization: 'Key custom-key' });
      await first.stop();
      const second = new RedashEmulator({ stateFile, apiKey: 'custom-key' });
      url = await second.start();
      expect((await call('GET', '/api/groups', undefined, { Authorization: 'Key custom-key' })).body.map((group: any) => group.name)).toEqual(['admin', 'default', 'kept']);
      await second.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
