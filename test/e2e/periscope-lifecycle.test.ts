// Every Periscope resource and data source under the real Terraform against the emulator: create
// (privileges written as blocks), a refresh right after apply that changes nothing, in-place
// updates, hand changes seen by a refresh and undone by apply, a role deleted by hand recreated
// with what hangs on it, import by CLI and by import blocks, entries and members nobody declared
// kept through apply and destroy, every write sent with test_mode=false and no secret in the state.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { periscopeProvider, periscopeScript } from '../support/periscope-api';
import { TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const emulator = new PeriscopeEmulator({ dashboardPageSize: 3, userPageSize: 2 });
const script = periscopeScript(emulator);
let workspace: TerraformWorkspace;
const dashboards: Record<string, number> = {};
let analystRoleId: number;
let everyoneRoleId: number;
let zedId: string;

interface Settings {
  aliceFirstName: string;
  roleName: string;
  roleDescription: string;
  privileges: string;
  salesPermissions: string;
  extra?: string;
}

const initial: Settings = {
  aliceFirstName: 'Alice',
  roleName: 'Data Analysts',
  roleDescription: 'Reads the sales numbers',
  privileges: `
  privilege {
    object_type = "Dashboard"
    permissions = ["read_dashboards", "create_sql_charts"]
  }`,
  salesPermissions: '["read_dashboards"]',
};
const updated: Settings = {
  aliceFirstName: 'Alicia',
  roleName: 'Analytics',
  roleDescription: 'Reads and exports the sales numbers',
  privileges: `
  privilege {
    object_type = "Dashboard"
    permissions = ["read_dashboards"]
  }
  privilege {
    object_type = "Topic"
    permissions = ["read_topics"]
  }`,
  salesPermissions: '["read_dashboards", "download_pdf"]',
};

function configuration(settings: Settings): string {
  return (
    periscopeProvider(emulator) +
    `
resource "biaccess_periscope_user" "alice" {
  email      = "Alice@Example.com"
  first_name = "${settings.aliceFirstName}"
  last_name  = "Liddell"
}

resource "biaccess_periscope_user" "bob" {
  email      = "bob@example.com"
  first_name = "Bob"
  last_name  = "Builder"
}

resource "biaccess_periscope_role" "analysts" {
  name        = "${settings.roleName}"
  description = "${settings.roleDescription}"
${settings.privileges}
}

data "biaccess_periscope_role" "analyst" {
  name = "Analyst"
}

# On the third page of the dashboard list.
data "biaccess_periscope_dashboard" "sales" {
  name = "Sales"
}

resource "biaccess_periscope_role_member" "alice_analysts" {
  role_id = biaccess_periscope_role.analysts.id
  user_id = biaccess_periscope_user.alice.id
}

resource "biaccess_periscope_role_member" "bob_analyst" {
  role_id = data.biaccess_periscope_role.analyst.id
  user_id = biaccess_periscope_user.bob.id
}

resource "biaccess_periscope_dashboard_permission" "analysts_sales" {
  role_id      = biaccess_periscope_role.analysts.id
  dashboard_id = data.biaccess_periscope_dashboard.sales.id
  permissions  = ${settings.salesPermissions}
}

resource "biaccess_periscope_dashboard_permission" "analyst_sales" {
  role_id      = data.biaccess_periscope_role.analyst.id
  dashboard_id = data.biaccess_periscope_dashboard.sales.id
  permissions  = ["read_dashboards", "download_pdf"]
}

data "biaccess_periscope_user" "bob" {
  email      = biaccess_periscope_user.bob.email
  depends_on = [biaccess_periscope_role_member.bob_analyst]
}

output "bob" {
  value = data.biaccess_periscope_user.bob
}

output "sales" {
  value = data.biaccess_periscope_dashboard.sales
}
` +
    (settings.extra ?? '')
  );
}

const state = () => emulator.snapshotState();
const userByEmail = (email: string) => state().users.find((user) => user.email === email);
const roleNamed = (name: string) => state().roles.find((role) => role.name === name);
const roleById = (id: number) => state().roles.find((role) => role.id === id);
const stateIds = async () => {
  const resources = await workspace.stateResources();
  return { resources, alice: String(resources.get('biaccess_periscope_user.alice')?.id), bob: String(resources.get('biaccess_periscope_user.bob')?.id), analysts: Number(resources.get('biaccess_periscope_role.analysts')?.id) };
};
const entries = (roleId: number) => Object.fromEntries(roleById(roleId)!.permissions.map((entry) => [Number(entry.object_id), [...entry.permissions].sort()]));
const rolesOf = (userId: string) => [...state().users.find((user) => user.id === userId)!.roles].sort((a, b) => a - b);

beforeAll(async () => {
  await emulator.start();
  for (const name of ['Ops', 'Finance', 'Marketing', 'Support', 'Product', 'Legal', 'Sales', 'People']) {
    dashboards[name] = (await script.ok('POST', '/api/v1/dashboards', { name })).dashboard.id;
  }
  const roles = (await script.ok('GET', '/api/v1/roles')).roles as Array<{ id: number; name: string }>;
  analystRoleId = roles.find((role) => role.name === 'Analyst')!.id;
  everyoneRoleId = roles.find((role) => role.name === 'Everyone')!.id;
  // What nobody declares: an Analyst entry on Ops and a member of Analyst.
  await script.updateRole(analystRoleId, { permissions: [{ object_type: 'Dashboard', object_id: dashboards.Ops, permissions: ['read_dashboards'] }] });
  zedId = (await script.ok('POST', '/api/v2/users', { first_name: 'Zed', last_name: 'Hand', email: 'zed@example.com', roles: [analystRoleId], invited_by_email: PERISCOPE_ADMIN_EMAIL })).user.id;
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(initial));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates every resource, and the data sources read them (a dashboard on a later page included)', async () => {
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 7 added, 0 changed, 0 destroyed');
  const ids = await stateIds();
  // Periscope stores the email lower-cased; the configured spelling stays in state without a diff.
  expect(userByEmail('alice@example.com')).toMatchObject({ id: ids.alice, first_name: 'Alice', last_name: 'Liddell', invited_by_email: PERISCOPE_ADMIN_EMAIL });
  expect(ids.resources.get('biaccess_periscope_user.alice')).toMatchObject({ email: 'Alice@Example.com' });
  expect(rolesOf(ids.alice)).toEqual([everyoneRoleId, ids.analysts].sort((a, b) => a - b));
  expect(rolesOf(ids.bob)).toEqual([everyoneRoleId, analystRoleId].sort((a, b) => a - b));
  expect(roleById(ids.analysts)).toMatchObject({ name: 'Data Analysts', description: 'Reads the sales numbers', privileges: [{ object_type: 'Dashboard', permissions: expect.arrayContaining(['read_dashboards', 'create_sql_charts']) }] });
  expect(entries(ids.analysts)).toEqual({ [dashboards.Sales]: ['read_dashboards'] });
  // The default role got its entry; the one nobody declared is still there, and so is its member.
  expect(entries(analystRoleId)).toEqual({ [dashboards.Ops]: ['read_dashboards'], [dashboards.Sales]: ['download_pdf', 'read_dashboards'] });
  expect(rolesOf(zedId)).toContain(analystRoleId);
  expect(ids.resources.get('biaccess_periscope_role_member.alice_analysts')?.id).toBe(`${ids.analysts}/${ids.alice}`);
  expect(ids.resources.get('biaccess_periscope_dashboard_permission.analysts_sales')?.id).toBe(`${ids.analysts}/${dashboards.Sales}`);

  const outputs = JSON.parse((await workspace.terraform(['output', '-json'])).stdout);
  expect(outputs.sales.value).toEqual({ id: String(dashboards.Sales), name: 'Sales' });
  expect(outputs.bob.value).toEqual({ email: 'bob@example.com', id: ids.bob, first_name: 'Bob', last_name: 'Builder', role_ids: [String(analystRoleId), String(everyoneRoleId)].sort() });
});

test('a refresh right after apply changes nothing, and neither does a plan', async () => {
  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { allowFailure: true });
  expect({ code: refresh.code, output: refresh.code === 0 ? '' : refresh.stdout + refresh.stderr }).toEqual({ code: 0, output: '' });
  const plan = await workspace.terraform(['plan', '-detailed-exitcode'], { allowFailure: true });
  expect({ code: plan.code, output: plan.code === 0 ? '' : plan.stdout }).toEqual({ code: 0, output: '' });
});

test('names, the role and its privileges, and a permission set change in place; the role keeps its dashboards and the entries keep the privileges', async () => {
  const before = await stateIds();
  // Written by hand meanwhile: an entry and a member on the managed role that nobody declares.
  await script.updateRole(before.analysts, { permissions: [...(await script.role(before.analysts)).permissions, { object_type: 'Dashboard', object_id: dashboards.Finance, permissions: ['read_dashboards'] }] });
  await script.ok('PUT', `/api/v2/users/${zedId}`, { roles: [analystRoleId, before.analysts] });
  workspace.write('main.tf', configuration(updated));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 0 to add, 3 to change, 0 to destroy');
  expect(plan.stdout).not.toContain('must be replaced');
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await stateIds();
  expect([after.alice, after.analysts]).toEqual([before.alice, before.analysts]);
  expect(userByEmail('alice@example.com')).toMatchObject({ first_name: 'Alicia' });
  expect(rolesOf(after.alice)).toContain(after.analysts); // a name change leaves the roles alone
  const role = roleById(after.analysts)!;
  expect(role).toMatchObject({ name: 'Analytics', description: 'Reads and exports the sales numbers' });
  expect(role.privileges.map((privilege) => [privilege.object_type, [...privilege.permissions].sort()]).sort()).toEqual([
    ['Dashboard', ['read_dashboards']],
    ['Topic', ['read_topics']],
  ]);
  expect(entries(after.analysts)).toEqual({ [dashboards.Sales]: ['download_pdf', 'read_dashboards'], [dashboards.Finance]: ['read_dashboards'] });
  expect(rolesOf(zedId)).toEqual([everyoneRoleId, analystRoleId, after.analysts].sort((a, b) => a - b));
  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { allowFailure: true });
  expect(refresh.code).toBe(0);
});

test('changes made by hand show in plan -refresh-only, and the next apply restores the declared state', async () => {
  const ids = await stateIds();
  await script.ok('PUT', `/api/v2/users/${ids.alice}`, { roles: [everyoneRoleId] }); // role taken from a user
  await script.updateRole(analystRoleId, { permissions: [{ object_type: 'Dashboard', object_id: dashboards.Ops, permissions: ['read_dashboards'] }] }); // entry removed
  await script.updateRole(ids.analysts, {
    name: 'Renamed by hand',
    privileges: [{ object_type: 'Dashboard', permissions: ['read_dashboards', 'archive_dashboards'] }],
    permissions: (await script.role(ids.analysts)).permissions.map((entry: { object_id: number }) =>
      entry.object_id === dashboards.Sales ? { ...entry, permissions: ['read_dashboards', 'archive_dashboards'] } : entry,
    ),
  }); // role renamed, privileges changed, an entry's set changed
  await script.ok('DELETE', `/api/v2/users/${ids.bob}`); // user deleted

  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  const output = refresh.stdout;
  expect(output).toContain('Objects have changed outside of Terraform');
  expect(output).toMatch(/biaccess_periscope_role_member\.alice_analysts has been deleted/);
  expect(output).toMatch(/biaccess_periscope_dashboard_permission\.analyst_sales has been deleted/);
  expect(output).toMatch(/biaccess_periscope_dashboard_permission\.analysts_sales has changed[\s\S]*\+ "archive_dashboards"/);
  expect(output).toMatch(/biaccess_periscope_role\.analysts has changed[\s\S]*name\s+= "Analytics" -> "Renamed by hand"/);
  expect(output).toMatch(/biaccess_periscope_user\.bob has been deleted/);
  expect(output).toMatch(/biaccess_periscope_role_member\.bob_analyst has been deleted/);

  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 4 added, 2 changed, 0 destroyed');
  const after = await stateIds();
  expect(after.bob).not.toBe(ids.bob);
  expect(rolesOf(after.alice)).toContain(ids.analysts);
  expect(rolesOf(after.bob)).toContain(analystRoleId);
  expect(roleById(ids.analysts)).toMatchObject({ name: 'Analytics' });
  expect(roleById(ids.analysts)!.privileges.find((privilege) => privilege.object_type === 'Dashboard')!.permissions).toEqual(['read_dashboards']);
  expect(entries(ids.analysts)).toEqual({ [dashboards.Sales]: ['download_pdf', 'read_dashboards'], [dashboards.Finance]: ['read_dashboards'] });
  expect(entries(analystRoleId)).toEqual({ [dashboards.Ops]: ['read_dashboards'], [dashboards.Sales]: ['download_pdf', 'read_dashboards'] });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('a role deleted by hand is created again with its members and dashboards', async () => {
  const before = await stateIds();
  await script.ok('DELETE', `/api/v1/roles/${before.analysts}`);
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toMatch(/biaccess_periscope_role\.analysts will be created/);
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 3 added');
  const after = await stateIds();
  expect(after.analysts).not.toBe(before.analysts);
  expect(rolesOf(after.alice)).toContain(after.analysts);
  expect(entries(after.analysts)).toEqual({ [dashboards.Sales]: ['download_pdf', 'read_dashboards'] });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('import takes over what exists: users by email and by id, roles by name and by id, members and entries by their IDs, with the CLI and with import blocks', async () => {
  const carol = (await script.ok('POST', '/api/v2/users', { first_name: 'Carol', last_name: 'Ops', email: 'carol@example.com', roles: [], invited_by_email: PERISCOPE_ADMIN_EMAIL })).user;
  const dave = (await script.ok('POST', '/api/v2/users', { first_name: 'Dave', last_name: 'Ops', email: 'dave@example.com', roles: [], invited_by_email: PERISCOPE_ADMIN_EMAIL })).user;
  const ops = (await script.ok('POST', '/api/v1/roles', { name: 'Ops Team', description: 'On call', created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).role;
  const oncall = (await script.ok('POST', '/api/v1/roles', { name: 'On-call', description: '', created_by_email: PERISCOPE_ADMIN_EMAIL, privileges: [], permissions: [] })).role;
  await script.ok('PUT', `/api/v2/users/${carol.id}`, { roles: [ops.id] });
  await script.ok('PUT', `/api/v2/users/${dave.id}`, { roles: [oncall.id] });
  await script.updateRole(ops.id, { permissions: [{ object_type: 'Dashboard', object_id: dashboards.Ops, permissions: ['read_dashboards', 'email_reports'] }] });
  const extra = `
resource "biaccess_periscope_user" "carol" {
  email      = "Carol@example.com"
  first_name = "Carol"
  last_name  = "Ops"
}
resource "biaccess_periscope_user" "dave" {
  email      = "dave@example.com"
  first_name = "Dave"
  last_name  = "Ops"
}
resource "biaccess_periscope_role" "ops" {
  name        = "Ops Team"
  description = "On call"
}
resource "biaccess_periscope_role" "oncall" {
  name = "On-call"
}
resource "biaccess_periscope_role_member" "carol_ops" {
  role_id = biaccess_periscope_role.ops.id
  user_id = biaccess_periscope_user.carol.id
}
resource "biaccess_periscope_role_member" "dave_oncall" {
  role_id = biaccess_periscope_role.oncall.id
  user_id = biaccess_periscope_user.dave.id
}
resource "biaccess_periscope_dashboard_permission" "ops_ops" {
  role_id      = biaccess_periscope_role.ops.id
  dashboard_id = "${dashboards.Ops}"
  permissions  = ["email_reports", "read_dashboards"]
}
import {
  to = biaccess_periscope_user.dave
  id = "${dave.id}"
}
import {
  to = biaccess_periscope_role.oncall
  id = "${oncall.id}"
}
import {
  to = biaccess_periscope_role_member.dave_oncall
  id = "${oncall.id}/${dave.id}"
}
`;
  workspace.write('main.tf', configuration({ ...updated, extra }));
  for (const [address, id] of [
    ['biaccess_periscope_user.carol', 'Carol@example.com'],
    ['biaccess_periscope_role.ops', 'Ops Team'],
    ['biaccess_periscope_role_member.carol_ops', `${ops.id}/${carol.id}`],
    ['biaccess_periscope_dashboard_permission.ops_ops', `${ops.id}/${dashboards.Ops}`],
  ]) {
    const result = await workspace.terraform(['import', address, id]);
    expect(result.stdout).toContain('Import successful');
  }
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed');
  const resources = await workspace.stateResources();
  expect(resources.get('biaccess_periscope_user.carol')).toMatchObject({ id: carol.id, email: 'Carol@example.com', first_name: 'Carol' });
  expect(resources.get('biaccess_periscope_user.dave')).toMatchObject({ id: dave.id, email: 'dave@example.com' });
  expect(resources.get('biaccess_periscope_role.ops')).toMatchObject({ id: String(ops.id), name: 'Ops Team', description: 'On call', privilege: null });
  expect(resources.get('biaccess_periscope_role_member.dave_oncall')).toMatchObject({ id: `${oncall.id}/${dave.id}` });
  expect(resources.get('biaccess_periscope_dashboard_permission.ops_ops')).toMatchObject({ permissions: ['email_reports', 'read_dashboards'] });
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.code).toBe(0);
  // Nothing was created while importing.
  expect(state().users.filter((user) => user.email === 'carol@example.com')).toHaveLength(1);
  expect(state().roles.filter((role) => role.name === 'Ops Team')).toHaveLength(1);
});

test('every write carried test_mode=false, and the state holds no API key', async () => {
  const writes = emulator.requests.filter((request) => request.method !== 'GET');
  expect(writes.length).toBeGreaterThan(20);
  expect(writes.filter((request) => new URLSearchParams(request.query).get('test_mode') !== 'false')).toEqual([]);
  const stateFile = readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8');
  expect(stateFile).not.toContain(emulator.apiKey);
  expect((await workspace.terraform(['show'])).stdout).not.toContain(emulator.apiKey);
});

test('destroy removes what was declared and only that: the default role keeps its other entry and member, the admin stays', async () => {
  const destroy = await workspace.terraform(['destroy', '-auto-approve']);
  expect(destroy.stdout).toContain('Destroy complete!');
  expect((await workspace.stateResources()).size).toBe(0);
  const after = state();
  expect(after.users.map((user) => user.email).sort()).toEqual([PERISCOPE_ADMIN_EMAIL, 'zed@example.com']);
  expect(after.roles.filter((role) => !role.default)).toEqual([]);
  expect(entries(analystRoleId)).toEqual({ [dashboards.Ops]: ['read_dashboards'] });
  expect(rolesOf(zedId)).toEqual([everyoneRoleId, analystRoleId].sort((a, b) => a - b));
});
