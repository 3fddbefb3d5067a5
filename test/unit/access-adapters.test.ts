// Every vendor's access adapter, used as the cross-vendor tools use it: without Terraform, built
// from the vendor registry (connect, then access) against the vendor's emulator, and held to one
// contract: principals and objects are listed, memberships and grants at every level the vendor
// offers are set, found, listed and removed, and ids are strings throughout.
import type { AccessAdapter, ObjectKind, PrincipalKind, PrincipalRef } from '../../src/access/model';
import type { RunnableEmulator } from '../../src/emulator/runnable';
import { connect } from '../../src/ops/vendors';
import { findVendor } from '../../src/vendors';
import { REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SISENSE_ADMIN_TOKEN, type SisenseEmulator } from '../../src/vendors/sisense/emulator';
import type { Grant } from '../../src/access/model';
import { grafanaApi } from '../support/grafana-api';

jest.setTimeout(30_000);

/** What a vendor's test needs to exist first: a user, a group and one object per kind, made through its own API. */
interface Fixture {
  user: string;
  group: string;
  objects: Partial<Record<ObjectKind, string>>;
}

const fixtures: Record<string, { emulatorOptions?: object; make(url: string, environment: Record<string, string>, emulator: RunnableEmulator): Promise<Fixture> }> = {
  redash: {
    async make(url) {
      const call = async (path: string, body: unknown) =>
        (await (await fetch(url + path, { method: 'POST', headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: number };
      const user = await call('/api/users?no_invite', { name: 'Ann', email: 'ann@example.com' });
      const group = await call('/api/groups', { name: 'analysts' });
      const dataSource = await call('/api/data_sources', { name: 'warehouse', type: 'pg', options: { dbname: 'x' } });
      const dashboard = await call('/api/dashboards', { name: 'KPIs' });
      return { user: String(user.id), group: String(group.id), objects: { data_source: String(dataSource.id), dashboard: String(dashboard.id) } };
    },
  },
  periscope: {
    async make(url, environment) {
      const call = async (path: string, body: unknown) => {
        const response = await fetch(`${url}${path}?test_mode=false`, {
          method: 'POST',
          headers: { 'HTTP-X-PARTNER-AUTH': `${environment.PERISCOPE_SITE}:${environment.PERISCOPE_API_KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await response.json()) as Record<string, { id: string | number }>;
      };
      const user = await call('/api/v2/users', { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com', roles: [], invited_by_email: environment.PERISCOPE_ADMIN_EMAIL });
      const role = await call('/api/v1/roles', { name: 'Analysts', created_by_email: environment.PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] });
      const dashboard = await call('/api/v1/dashboards', { name: 'KPIs' });
      return { user: String(user.user.id), group: String(role.role.id), objects: { dashboard: String(dashboard.dashboard.id) } };
    },
  },
  grafana: {
    async make(url, environment) {
      const admin = grafanaApi(url, environment.GRAFANA_AUTH);
      const user = await admin.ok('POST', '/api/admin/users', { login: 'ann', email: 'ann@example.com', password: 'password1' });
      const team = await admin.ok('POST', '/api/teams', { name: 'Analysts' });
      await admin.ok('POST', '/api/folders', { uid: 'ops', title: 'Ops' });
      await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'kpis', title: 'KPIs' }, folderUid: 'ops' });
      await admin.ok('POST', '/api/datasources', { uid: 'warehouse', name: 'warehouse', type: 'postgres' });
      return { user: String(user.id), group: String(team.teamId), objects: { dashboard: 'kpis', folder: 'ops', data_source: 'warehouse' } };
    },
  },
  sisense: {
    async make(url, _environment, emulator) {
      const call = async (path: string, body: unknown) =>
        (await (await fetch(url + path, { method: 'POST', headers: { Authorization: `Bearer ${SISENSE_ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as { _id: string };
      const user = await call('/api/v1/users', { email: 'ann@example.com' });
      const group = await call('/api/v1/groups', { name: 'Analysts' });
      // Dashboards and data models are made in Sisense's UI, not through the access API.
      const sisense = emulator as SisenseEmulator;
      const model = sisense.addDataModel('Sales');
      const dashboard = sisense.addDashboard('KPIs', { dataModel: model });
      return { user: user._id, group: group._id, objects: { dashboard: dashboard.oid, data_model: model.oid } };
    },
  },
};

/** What each vendor calls a group, and its all-users group (whose members are the vendor's rule). */
const vocabulary: Record<string, { groupTerm: string; everyone?: string }> = {
  redash: { groupTerm: 'group', everyone: 'default' },
  grafana: { groupTerm: 'team' },
  sisense: { groupTerm: 'group', everyone: 'Everyone' },
  periscope: { groupTerm: 'role', everyone: 'Everyone' },
};

describe.each(Object.keys(fixtures))('%s', (name) => {
  const vendor = findVendor(name)!;
  let emulator: RunnableEmulator;
  let access: AccessAdapter;
  let fixture: Fixture;

  beforeAll(async () => {
    const module = await vendor.emulator!();
    // The demo's variant: the one with every feature the example stack uses switched on.
    emulator = (module.demo ?? module).create({});
    const url = await emulator.start();
    const environment = emulator.connectionEnvironment();
    // The provider block's settings, from the environment variables the emulator names.
    access = connect(vendor, { env: environment, cwd: process.cwd(), progress: () => {} }).access;
    fixture = await fixtures[name].make(url, environment, emulator);
  });

  afterAll(() => emulator.stop());

  test('it lists the users and groups, found by id, email and name', async () => {
    const users = await access.listPrincipals('user');
    expect(users).toContainEqual(expect.objectContaining({ kind: 'user', id: fixture.user, email: 'ann@example.com' }));
    expect(users.every((user) => typeof user.id === 'string')).toBe(true);
    const groups = await access.listPrincipals('group');
    const group = groups.find((candidate) => candidate.id === fixture.group)!;
    expect(group).toMatchObject({ kind: 'group' });
    expect(await access.findPrincipal('user', { email: 'ANN@example.com' })).toMatchObject({ id: fixture.user });
    expect(await access.findPrincipal('group', { name: group.name })).toMatchObject({ id: fixture.group });
    expect(await access.findPrincipal('user', { id: '99999' })).toBeUndefined();
  });

  test("it names groups in the vendor's words, and its all-users group holds every user", async () => {
    expect(access.groupTerm).toBe(vocabulary[name].groupTerm);
    const groups = await access.listPrincipals('group');
    const everyone = groups.filter((group) => group.everyone);
    expect(everyone.map((group) => group.name)).toEqual(vocabulary[name].everyone ? expect.arrayContaining([vocabulary[name].everyone]) : []);
    const users = (await access.listPrincipals('user')).map((user) => user.id).sort();
    for (const group of everyone) expect((await access.listMembers(group))!.map((membership) => membership.member.id).sort()).toEqual(users);
  });

  test('a membership is set once, found, listed and removed; removing it again is no error', async () => {
    const group: PrincipalRef = { kind: 'group', id: fixture.group };
    const member: PrincipalRef = { kind: 'user', id: fixture.user };
    await access.setMembership({ group, member });
    await access.setMembership({ group, member });
    expect(await access.findMembership(group, member)).toMatchObject({ group, member });
    expect((await access.listMembers(group))!.filter((membership) => membership.member.id === fixture.user)).toHaveLength(1);
    await access.removeMembership(group, member);
    await access.removeMembership(group, member);
    expect(await access.findMembership(group, member)).toBeUndefined();
    expect(await access.listMembers({ kind: 'group', id: '99999' })).toBeUndefined();
  });

  test('on every object kind, a grant at each level the vendor offers is set, found, listed and removed', async () => {
    const kinds = Object.entries(access.capabilities) as Array<[ObjectKind, { levels: readonly string[]; principals: readonly PrincipalKind[] }]>;
    expect(kinds.length).toBeGreaterThan(0);
    for (const [kind, offer] of kinds) {
      const object = { kind, id: fixture.objects[kind]! };
      expect(await access.listObjects(kind)).toContainEqual(expect.objectContaining(object));
      const principal: PrincipalRef = offer.principals.includes('group') ? { kind: 'group', id: fixture.group } : { kind: 'user', id: fixture.user };
      for (const level of offer.levels) {
        await access.setGrant({ object, principal, level: level as never });
        expect({ kind, level, found: withoutDetail(await access.findGrant(object, principal)) }).toEqual({ kind, level, found: { object, principal, level } });
        expect((await access.listGrants(object))!.filter((grant) => grant.principal.kind === principal.kind && grant.principal.id === principal.id && !grant.inheritedFrom).map(withoutDetail)).toEqual([{ object, principal, level }]);
      }
      await access.removeGrant(object, principal);
      await access.removeGrant(object, principal);
      expect(await access.findGrant(object, principal)).toBeUndefined();
    }
  });
});

/** A grant as every vendor has it: the detail some vendors add is in their own terms. */
function withoutDetail(grant: Grant | undefined): Omit<Grant, 'detail'> | undefined {
  if (!grant) return grant;
  const { detail: _detail, ...common } = grant;
  return common;
}

describe('what the vendor makes itself, and the holders of a role', () => {
  const connectTo = async (name: string) => {
    const vendor = findVendor(name)!;
    const emulator = (await vendor.emulator!()).create({});
    const url = await emulator.start();
    const environment = emulator.connectionEnvironment();
    const { access } = connect(vendor, { env: environment, cwd: process.cwd(), progress: () => {} });
    return { url, environment, emulator, access };
  };

  test("Grafana: a team's creator is its admin by Grafana's doing; a basic role is held by its users and those above it", async () => {
    const { url, environment, emulator, access } = await connectTo('grafana');
    try {
      const admin = grafanaApi(url, environment.GRAFANA_AUTH);
      const ann = await admin.ok('POST', '/api/admin/users', { login: 'ann', email: 'ann@example.com', password: 'password1' });
      const bob = await admin.ok('POST', '/api/admin/users', { login: 'bob', email: 'bob@example.com', password: 'password1' });
      await admin.ok('PATCH', `/api/org/users/${bob.id}`, { role: 'Editor' });
      const team = await admin.ok('POST', '/api/teams', { name: 'Made by hand' });
      await admin.ok('POST', `/api/teams/${team.teamId}/members`, { userId: ann.id });
      const members = await access.listMembers({ kind: 'group', id: String(team.teamId) });
      expect(members!.map(({ member, admin: isAdmin, vendorMade }) => ({ id: member.id, isAdmin, vendorMade }))).toEqual([
        { id: '1', isAdmin: true, vendorMade: true },
        { id: String(ann.id), isAdmin: false, vendorMade: undefined },
      ]);
      const holders = async (role: string) => (await access.listMembers({ kind: 'role', id: role }))!.map((membership) => membership.member.id).sort();
      expect(await holders('Viewer')).toEqual(['1', String(ann.id), String(bob.id)].sort());
      expect(await holders('Editor')).toEqual(['1', String(bob.id)].sort());
      expect(await holders('Admin')).toEqual(['1']);
    } finally {
      await emulator.stop();
    }
  });

  test("Redash: the full-access link of default to a new data source is Redash's doing; another group's link is not", async () => {
    const { url, emulator, access } = await connectTo('redash');
    try {
      const call = async (path: string, body: unknown) =>
        (await (await fetch(url + path, { method: 'POST', headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: number };
      const dataSource = await call('/api/data_sources', { name: 'warehouse', type: 'pg', options: { dbname: 'x' } });
      const group = await call('/api/groups', { name: 'analysts' });
      await call(`/api/groups/${group.id}/data_sources`, { data_source_id: dataSource.id });
      const grants = await access.listGrants({ kind: 'data_source', id: String(dataSource.id) });
      expect(grants!.map(({ principal, level, vendorMade }) => ({ group: principal.id, level, vendorMade }))).toEqual([
        { group: '2', level: 'query', vendorMade: true },
        { group: String(group.id), level: 'query', vendorMade: undefined },
      ]);
    } finally {
      await emulator.stop();
    }
  });
});
