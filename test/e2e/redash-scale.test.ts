// Redash under load and failure with the real Terraform: many memberships of one user and many
// links of one group applied in parallel (no lost write, no duplicate), a refresh that shares
// list reads, and a demo-shaped stack applied while a fifth of all calls fail.
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const emulator = new RedashEmulator();
let workspace: TerraformWorkspace;

const COUNT = 20;
const provider = () => providerBlock(`  redash {\n    url     = "${emulator.url}"\n    api_key = "${REDASH_ADMIN_API_KEY}"\n  }`);
const state = () => emulator.snapshotState();

const manyLinksAndMemberships = () =>
  provider() +
  `
resource "biaccess_redash_user" "many" {
  email = "many@example.com"
  name  = "Member of many"
}

resource "biaccess_redash_group" "team" {
  count = ${COUNT}
  name  = "team-\${count.index}"
}

resource "biaccess_redash_group_member" "many" {
  count    = ${COUNT}
  group_id = biaccess_redash_group.team[count.index].id
  user_id  = biaccess_redash_user.many.id
}

resource "biaccess_redash_group" "readers" {
  name = "readers"
}

resource "biaccess_redash_data_source" "db" {
  count   = ${COUNT}
  name    = "db-\${count.index}"
  type    = "pg"
  options = { dbname = "db\${count.index}", password = "pw-\${count.index}" }
}

resource "biaccess_redash_data_source_access" "readers" {
  count          = ${COUNT}
  group_id       = biaccess_redash_group.readers.id
  data_source_id = biaccess_redash_data_source.db[count.index].id
  view_only      = count.index % 2 == 0
}
`;

const demoStack = (dashboardName: string) =>
  provider() +
  `
resource "biaccess_redash_data_source" "warehouse" {
  name    = "warehouse"
  type    = "pg"
  options = { host = "warehouse.internal", port = "5432", dbname = "analytics", user = "redash", password = "demo-password" }
}

resource "biaccess_redash_group" "analysts" {
  name = "analysts"
}

resource "biaccess_redash_group" "engineers" {
  name = "engineers"
}

resource "biaccess_redash_data_source_access" "analysts" {
  group_id       = biaccess_redash_group.analysts.id
  data_source_id = biaccess_redash_data_source.warehouse.id
  view_only      = true
}

resource "biaccess_redash_data_source_access" "engineers" {
  group_id       = biaccess_redash_group.engineers.id
  data_source_id = biaccess_redash_data_source.warehouse.id
  view_only      = false
}

locals {
  people = {
    ann = { name = "Ann Analyst", team = "analysts" }
    ben = { name = "Ben Analyst", team = "analysts" }
    cat = { name = "Cat Engineer", team = "engineers" }
    dan = { name = "Dan Engineer", team = "engineers" }
  }
  groups = { analysts = biaccess_redash_group.analysts.id, engineers = biaccess_redash_group.engineers.id }
}

resource "biaccess_redash_user" "people" {
  for_each = local.people
  email    = "\${each.key}@example.com"
  name     = each.value.name
}

resource "biaccess_redash_group_member" "people" {
  for_each = local.people
  group_id = local.groups[each.value.team]
  user_id  = biaccess_redash_user.people[each.key].id
}

# Ben also works with the engineers.
resource "biaccess_redash_group_member" "ben_engineers" {
  group_id = biaccess_redash_group.engineers.id
  user_id  = biaccess_redash_user.people["ben"].id
}

data "biaccess_redash_dashboard" "kpis" {
  name = "${dashboardName}"
}

resource "biaccess_redash_dashboard_share" "cat_kpis" {
  dashboard_id = data.biaccess_redash_dashboard.kpis.id
  user_id      = biaccess_redash_user.people["cat"].id
}
`;

beforeAll(async () => {
  await emulator.start();
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', manyLinksAndMemberships());
  await workspace.terraform(['init']);
});

afterAll(async () => {
  emulator.clearFaults();
  await workspace?.remove();
  await emulator.stop();
});

test(`${COUNT} memberships of one user and ${COUNT} links of one group applied at once all exist, once each`, async () => {
  const apply = await workspace.terraform(['apply', '-auto-approve']); // default parallelism (10)
  expect(apply.stdout).toContain(`Resources: ${COUNT * 4 + 2} added`);
  const redash = state();
  const user = redash.users.find((candidate) => candidate.email === 'many@example.com')!;
  const teams = redash.groups.filter((group) => group.name.startsWith('team-')).map((group) => group.id);
  expect(teams).toHaveLength(COUNT);
  expect([...user.groups].sort((a, b) => a - b)).toEqual([2, ...teams].sort((a, b) => a - b)); // every write kept, none twice
  const readers = redash.groups.find((group) => group.name === 'readers')!;
  const links = redash.links.filter((link) => link.group_id === readers.id);
  expect(links).toHaveLength(COUNT);
  expect(new Set(links.map((link) => link.data_source_id)).size).toBe(COUNT);
  for (const link of links) {
    const index = Number(redash.dataSources.find((ds) => ds.id === link.data_source_id)!.name.slice('db-'.length));
    expect(link.view_only).toBe(index % 2 === 0);
  }
});

test('a refresh of the memberships makes far fewer list calls than there are memberships', async () => {
  emulator.clearRequestLog();
  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode']);
  expect(refresh.code).toBe(0);
  const userListCalls = emulator.countRequests({ method: 'GET', path: '/api/users' });
  const perUserReads = emulator.countRequests({ method: 'GET', path: /^\/api\/users\/\d+$/ });
  const groupListCalls = emulator.countRequests({ method: 'GET', path: '/api/groups' });
  const linkListCalls = emulator.countRequests({ method: 'GET', path: /^\/api\/groups\/\d+\/data_sources$/ });
  const allCalls = emulator.countRequests();
  console.log(
    `Refresh of ${COUNT} memberships + 1 user + ${COUNT + 1} groups + ${COUNT} links + ${COUNT} data sources: ` +
      `${userListCalls} GET /api/users (list) and ${perUserReads} per-user GETs for the ${COUNT} memberships; ` +
      `${groupListCalls} GET /api/groups; ${linkListCalls} GET /api/groups/<id>/data_sources for the ${COUNT} links; ${allCalls} requests in all`,
  );
  expect(userListCalls).toBeLessThanOrEqual(2);
  expect(perUserReads).toBe(0);
  expect(groupListCalls).toBe(1);
  expect(linkListCalls).toBe(1);
});

test('with 20% of calls failing (500 and 429), a demo-shaped stack converges with nothing lost or duplicated', async () => {
  await workspace.terraform(['destroy', '-auto-approve']);
  expect(state().groups.map((group) => group.name)).toEqual(['admin', 'default']);
  const dashboard = (await (
    await fetch(`${emulator.url}/api/dashboards`, {
      method: 'POST',
      headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Company KPIs' }),
    })
  ).json()) as { id: number };

  workspace.write('main.tf', demoStack('Company KPIs'));
  emulator.clearRequestLog();
  emulator.setFaults({ failureRate: 0.2, failureStatuses: [500, 429], retryAfterSeconds: 1, seed: 42 });
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 15 added, 0 changed, 0 destroyed');
  const applyRequests = emulator.countRequests();
  const applyFaulted = emulator.countRequests({ faulted: true });
  expect(applyFaulted).toBeGreaterThan(0);

  const redash = state();
  const byName = (name: string) => redash.groups.filter((group) => group.name === name);
  expect(byName('analysts')).toHaveLength(1);
  expect(byName('engineers')).toHaveLength(1);
  const analysts = byName('analysts')[0].id;
  const engineers = byName('engineers')[0].id;
  expect(redash.dataSources.map((ds) => ds.name)).toEqual(['warehouse']);
  const warehouse = redash.dataSources[0].id;
  expect(redash.links.filter((link) => link.data_source_id === warehouse).map((link) => [link.group_id, link.view_only]).sort()).toEqual(
    [
      [2, false], // Redash's own link of a new data source to the default group
      [analysts, true],
      [engineers, false],
    ].sort(),
  );
  const people = ['ann', 'ben', 'cat', 'dan'].map((name) => redash.users.filter((user) => user.email === `${name}@example.com`));
  expect(people.map((matches) => matches.length)).toEqual([1, 1, 1, 1]);
  const [ann, ben, cat, dan] = people.map((matches) => matches[0]);
  expect([...ann.groups].sort()).toEqual([2, analysts].sort());
  expect([...ben.groups].sort((a, b) => a - b)).toEqual([2, analysts, engineers].sort((a, b) => a - b));
  expect([...cat.groups].sort()).toEqual([2, engineers].sort());
  expect([...dan.groups].sort()).toEqual([2, engineers].sort());
  expect(redash.permissions.map((p) => [p.object_id, p.grantee_id, p.access_type])).toEqual([[dashboard.id, cat.id, 'modify']]);

  // Still failing a fifth of the calls: the next plan sees exactly what was declared.
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.code).toBe(0);

  const destroy = await workspace.terraform(['destroy', '-auto-approve']);
  expect(destroy.stdout).toContain('Destroy complete! Resources: 15 destroyed.');
  emulator.clearFaults();
  const total = emulator.countRequests();
  const faulted = emulator.countRequests({ faulted: true });
  console.log(`Under faults: apply ${applyRequests} requests (${applyFaulted} failed by injection); apply + plan + destroy ${total} requests (${faulted} failed)`);
  expect(faulted / total).toBeGreaterThan(0.1); // the faults really happened, at about the rate asked for
  const after = state();
  expect(after.groups.map((group) => group.name)).toEqual(['admin', 'default']);
  expect(after.dataSources).toEqual([]);
  expect(after.permissions).toEqual([]);
  expect(after.users.map((user) => user.email)).toEqual(['admin@example.com']); // pending invitations are deleted
});
