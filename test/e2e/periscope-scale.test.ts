// Periscope under load and failure with the real Terraform. A role's dashboard list and a user's
// role list are written whole, so concurrent writers race: first shown with a naive
// read-modify-write (it loses entries), then 20 dashboard permissions of one role and 20 role
// memberships of one user applied at once lose none, in few writes. Then a stack applied while a
// fifth of all calls fail (500, or 429 with a short Retry-After) converges with nothing lost or
// duplicated.
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { periscopeProvider, periscopeScript } from '../support/periscope-api';
import { TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const COUNT = 20;
const emulator = new PeriscopeEmulator();
const script = periscopeScript(emulator);
let workspace: TerraformWorkspace;
const dashboardIds: number[] = [];

const manyEntriesAndMemberships = (permissions: string) =>
  periscopeProvider(emulator) +
  `
resource "biaccess_periscope_role" "readers" {
  name = "Readers"
}

resource "biaccess_periscope_dashboard_permission" "readers" {
  count        = ${COUNT}
  role_id      = biaccess_periscope_role.readers.id
  dashboard_id = "${'${'}element([${dashboardIds.join(', ')}], count.index)}"
  permissions  = ${permissions}
}

resource "biaccess_periscope_user" "many" {
  email      = "many@example.com"
  first_name = "Member"
  last_name  = "Of Many"
}

resource "biaccess_periscope_role" "team" {
  count = ${COUNT}
  name  = "team-${'${'}count.index}"
}

resource "biaccess_periscope_role_member" "many" {
  count   = ${COUNT}
  role_id = biaccess_periscope_role.team[count.index].id
  user_id = biaccess_periscope_user.many.id
}
`;

const roleWrites = (roleId: number) => emulator.countRequests({ method: 'PUT', path: `/api/v1/roles/${roleId}` });
const userWrites = (userId: string) => emulator.countRequests({ method: 'PUT', path: `/api/v2/users/${userId}` });
const roleNamed = (name: string) => emulator.snapshotState().roles.find((role) => role.name === name)!;
const userNamed = (email: string) => emulator.snapshotState().users.find((user) => user.email === email)!;

beforeAll(async () => {
  await emulator.start();
  for (let i = 0; i < COUNT; i++) dashboardIds.push((await script.ok('POST', '/api/v1/dashboards', { name: `Dashboard ${i}` })).dashboard.id);
  workspace = await TerraformWorkspace.create({ inProcess: true });
  await workspace.terraform(['init']);
});

afterAll(async () => {
  emulator.clearFaults();
  await workspace?.remove();
  await emulator.stop();
});

describe('whole-list writes racing', () => {
  // A little latency, as on any real network, lets concurrent requests overlap.
  beforeAll(() => emulator.setFaults({ latencyMs: 20 }));
  afterAll(() => emulator.clearFaults());

  test(`a naive read-modify-write loses entries: ${COUNT} dashboards added to one role and ${COUNT} roles to one user at once`, async () => {
    const role = (await script.ok('POST', '/api/v1/roles', { name: 'Naive', created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).role;
    await Promise.all(
      dashboardIds.map(async (dashboardId) => {
        const current = await script.role(role.id);
        await script.updateRole(role.id, { permissions: [...current.permissions, { object_type: 'Dashboard', object_id: dashboardId, permissions: ['read_dashboards'] }] });
      }),
    );
    const teams: number[] = [];
    for (let i = 0; i < COUNT; i++) teams.push((await script.ok('POST', '/api/v1/roles', { name: `naive-team-${i}`, created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).role.id);
    const user = (await script.ok('POST', '/api/v2/users', { first_name: 'Naive', last_name: 'User', email: 'naive@example.com', roles: [], invited_by_email: PERISCOPE_ADMIN_EMAIL })).user;
    await Promise.all(
      teams.map(async (teamId) => {
        const current = (await script.ok('GET', `/api/v2/users/${user.id}`)).user;
        await script.ok('PUT', `/api/v2/users/${user.id}`, { roles: [...current.roles, teamId] });
      }),
    );
    const kept = roleNamed('Naive').permissions.length;
    const memberships = userNamed('naive@example.com').roles.filter((id) => teams.includes(id)).length;
    console.log(`Naive read-modify-write, ${COUNT} at once: ${kept} of ${COUNT} dashboard entries and ${memberships} of ${COUNT} memberships kept`);
    expect(kept).toBeLessThan(COUNT);
    expect(memberships).toBeLessThan(COUNT);
  });

  test(`with the provider, ${COUNT} dashboard permissions of one role and ${COUNT} memberships of one user all land, in batched writes`, async () => {
    workspace.write('main.tf', manyEntriesAndMemberships('["read_dashboards"]'));
    emulator.clearRequestLog();
    const apply = await workspace.terraform(['apply', '-auto-approve']); // default parallelism (10)
    expect(apply.stdout).toContain(`Resources: ${COUNT * 3 + 2} added`);
    const readers = roleNamed('Readers');
    const many = userNamed('many@example.com');
    const teams = emulator.snapshotState().roles.filter((role) => /^team-\d+$/.test(role.name)).map((role) => role.id);
    expect(teams).toHaveLength(COUNT);
    expect(readers.permissions.map((entry) => entry.object_id).sort()).toEqual([...dashboardIds].sort());
    expect(readers.permissions.every((entry) => entry.permissions.join() === 'read_dashboards')).toBe(true);
    expect([...many.roles].sort((a, b) => a - b)).toEqual([roleNamed('Everyone').id, ...teams].sort((a, b) => a - b));
    const created = { role: roleWrites(readers.id), user: userWrites(many.id) };

    emulator.clearRequestLog();
    workspace.write('main.tf', manyEntriesAndMemberships('["read_dashboards", "download_pdf"]'));
    const update = await workspace.terraform(['apply', '-auto-approve']);
    expect(update.stdout).toContain(`Resources: 0 added, ${COUNT} changed, 0 destroyed`);
    expect(roleNamed('Readers').permissions.map((entry) => [...entry.permissions].sort().join())).toEqual(Array(COUNT).fill('download_pdf,read_dashboards'));
    const updated = roleWrites(readers.id);
    expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { allowFailure: true })).code).toBe(0);

    emulator.clearRequestLog();
    workspace.write('main.tf', periscopeProvider(emulator));
    await workspace.terraform(['apply', '-auto-approve']);
    const removed = { role: roleWrites(readers.id), user: userWrites(many.id) };
    expect(emulator.snapshotState().roles.find((role) => role.name === 'Readers')).toBeUndefined();
    expect(emulator.snapshotState().users.find((user) => user.email === 'many@example.com')).toBeUndefined();

    console.log(
      `${COUNT} entries of one role and ${COUNT} memberships of one user applied at once: role list writes ${created.role} to create, ${updated} to update, ${removed.role} to remove; ` +
        `user role-list writes ${created.user} to create, ${removed.user} to remove`,
    );
    // Terraform hands over at most ten changes at once, so two writes per list is the least possible
    // (the figures above, measured on a quiet machine: 2 to create or update, 4-5 to remove). How
    // changes group into writes depends on timing, so the check is that they were batched at all:
    // without batching each of the ${COUNT} changes is a write of its own.
    for (const writes of [created.role, created.user, updated, removed.role, removed.user]) expect(writes).toBeLessThanOrEqual(COUNT / 2);
  });
});

describe('with a fifth of all calls failing', () => {
  const stack = () =>
    periscopeProvider(emulator) +
    `
locals {
  people = { ann = "Ann", ben = "Ben", cat = "Cat", dan = "Dan" }
}

resource "biaccess_periscope_user" "people" {
  for_each   = local.people
  email      = "${'${'}each.key}@example.com"
  first_name = each.value
  last_name  = "Faulty"
}

resource "biaccess_periscope_role" "analysts" {
  name        = "Faulty Analysts"
  description = "made while calls fail"
  privilege {
    object_type = "Dashboard"
    permissions = ["read_dashboards"]
  }
}

resource "biaccess_periscope_role_member" "people" {
  for_each = local.people
  role_id  = biaccess_periscope_role.analysts.id
  user_id  = biaccess_periscope_user.people[each.key].id
}

data "biaccess_periscope_role" "read" {
  name = "Read"
}

resource "biaccess_periscope_role_member" "ann_read" {
  role_id = data.biaccess_periscope_role.read.id
  user_id = biaccess_periscope_user.people["ann"].id
}

resource "biaccess_periscope_dashboard_permission" "analysts" {
  for_each     = toset([for id in slice([${dashboardIds.join(', ')}], 0, 8) : tostring(id)])
  role_id      = biaccess_periscope_role.analysts.id
  dashboard_id = each.value
  permissions  = ["read_dashboards", "email_reports"]
}
`;

  async function untilConverged(args: string[]): Promise<number> {
    for (let run = 1; ; run++) {
      const result = await workspace.terraform(args, { allowFailure: true });
      if (result.code === 0) return run;
      // Only injected faults may stop a run.
      expect(result.stderr).toMatch(/returned (500|429)/);
      if (run === 3) throw new Error(`terraform ${args.join(' ')} did not converge:\n${result.stdout}\n${result.stderr}`);
    }
  }

  beforeAll(() => emulator.setFaults({ failureRate: 0.2, failureStatuses: [500, 429], retryAfterSeconds: 0.2, seed: 90210 }));
  afterAll(() => emulator.clearFaults());

  test('apply converges with nothing lost or duplicated, and destroy too', async () => {
    workspace.write('main.tf', stack());
    emulator.clearRequestLog();
    const runs = await untilConverged(['apply', '-auto-approve']);
    expect(emulator.countRequests({ faulted: true })).toBeGreaterThan(5);
    const state = emulator.snapshotState();
    for (const name of ['ann', 'ben', 'cat', 'dan']) expect(state.users.filter((user) => user.email === `${name}@example.com`)).toHaveLength(1);
    const analysts = state.roles.filter((role) => role.name === 'Faulty Analysts');
    expect(analysts).toHaveLength(1);
    expect(analysts[0].privileges).toEqual([{ object_type: 'Dashboard', permissions: ['read_dashboards'] }]);
    expect(analysts[0].permissions.map((entry) => entry.object_id).sort()).toEqual(dashboardIds.slice(0, 8).sort());
    for (const name of ['ann', 'ben', 'cat', 'dan']) expect(state.users.find((user) => user.email === `${name}@example.com`)!.roles).toContain(analysts[0].id);
    expect(state.users.find((user) => user.email === 'ann@example.com')!.roles).toContain(roleNamed('Read').id);
    console.log(`20% faults: apply converged in ${runs} run(s), ${emulator.countRequests({ faulted: true })} of ${emulator.requests.length} calls failed`);

    emulator.clearFaults();
    expect((await workspace.terraform(['plan', '-detailed-exitcode'], { allowFailure: true })).code).toBe(0);
    emulator.setFaults({ failureRate: 0.2, failureStatuses: [500, 429], retryAfterSeconds: 0.2, seed: 4242 });
    await untilConverged(['destroy', '-auto-approve']);
    expect((await workspace.stateResources()).size).toBe(0);
    const after = emulator.snapshotState();
    expect(after.users.filter((user) => user.last_name === 'Faulty')).toEqual([]);
    expect(after.roles.filter((role) => role.name === 'Faulty Analysts')).toEqual([]);
    expect(after.roles.find((role) => role.name === 'Read')!.permissions).toEqual([]);
  });
});
