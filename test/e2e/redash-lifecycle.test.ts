// Every Redash resource under the real Terraform against the emulator: create, in-place update,
// hand changes seen by a refresh and undone by apply, objects deleted by hand recreated, CLI
// import (users by id and by email), and destroy (pending invitations deleted, active users
// disabled). Steps build on each other in one working directory.
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new RedashEmulator();
let workspace: TerraformWorkspace;
let dashboardId: number;

async function redash(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

interface Settings {
  aliceName: string;
  aliceEmail: string;
  analystsName: string;
  warehouseName: string;
  port: string;
  analystsViewOnly: boolean;
  extra?: string;
}

const initial: Settings = { aliceName: 'Alice', aliceEmail: 'alice@example.com', analystsName: 'analysts', warehouseName: 'warehouse', port: '5432', analystsViewOnly: true };
const updated: Settings = { aliceName: 'Alice Liddell', aliceEmail: 'alice.liddell@example.com', analystsName: 'data-analysts', warehouseName: 'warehouse-eu', port: '5433', analystsViewOnly: false };

function configuration(settings: Settings): string {
  return (
    providerBlock(`  redash {\n    url     = "${emulator.url}"\n    api_key = "${REDASH_ADMIN_API_KEY}"\n  }`) +
    `
resource "biaccess_redash_data_source" "warehouse" {
  name    = "${settings.warehouseName}"
  type    = "pg"
  options = { host = "db.internal", port = "${settings.port}", dbname = "analytics", user = "redash", password = "warehouse-password-1" }
}

resource "biaccess_redash_group" "analysts" {
  name = "${settings.analystsName}"
}

resource "biaccess_redash_group" "engineers" {
  name = "engineers"
}

resource "biaccess_redash_user" "alice" {
  email = "${settings.aliceEmail}"
  name  = "${settings.aliceName}"
}

resource "biaccess_redash_user" "bob" {
  email       = "Bob@Example.com"
  name        = "Bob"
  send_invite = true
}

resource "biaccess_redash_group_member" "alice_analysts" {
  group_id = biaccess_redash_group.analysts.id
  user_id  = biaccess_redash_user.alice.id
}

resource "biaccess_redash_group_member" "bob_engineers" {
  group_id = biaccess_redash_group.engineers.id
  user_id  = biaccess_redash_user.bob.id
}

data "biaccess_redash_group" "default" {
  name = "default"
}

# Redash puts every new user in the default group: declaring it adopts the membership.
resource "biaccess_redash_group_member" "alice_default" {
  group_id = data.biaccess_redash_group.default.id
  user_id  = biaccess_redash_user.alice.id
}

resource "biaccess_redash_data_source_access" "analysts" {
  group_id       = biaccess_redash_group.analysts.id
  data_source_id = biaccess_redash_data_source.warehouse.id
  view_only      = ${settings.analystsViewOnly}
}

resource "biaccess_redash_data_source_access" "engineers" {
  group_id       = biaccess_redash_group.engineers.id
  data_source_id = biaccess_redash_data_source.warehouse.id
}

data "biaccess_redash_dashboard" "sales" {
  slug = "sales-overview"
}

resource "biaccess_redash_dashboard_share" "bob_sales" {
  dashboard_id = data.biaccess_redash_dashboard.sales.id
  user_id      = biaccess_redash_user.bob.id
}

data "biaccess_redash_user" "bob" {
  email      = biaccess_redash_user.bob.email
  depends_on = [biaccess_redash_group_member.bob_engineers]
}

data "biaccess_redash_data_source" "warehouse" {
  name = biaccess_redash_data_source.warehouse.name
}

output "bob" {
  value = data.biaccess_redash_user.bob
}

output "warehouse_type" {
  value = data.biaccess_redash_data_source.warehouse.type
}

output "sales" {
  value = data.biaccess_redash_dashboard.sales
}
` +
    (settings.extra ?? '')
  );
}

const state = () => emulator.snapshotState();
const stateIds = async () => {
  const resources = await workspace.stateResources();
  const id = (address: string) => Number(resources.get(address)?.id as string);
  return {
    alice: id('biaccess_redash_user.alice'),
    bob: id('biaccess_redash_user.bob'),
    analysts: id('biaccess_redash_group.analysts'),
    engineers: id('biaccess_redash_group.engineers'),
    warehouse: id('biaccess_redash_data_source.warehouse'),
    resources,
  };
};
const userById = (id: number) => state().users.find((user) => user.id === id);
const linksOf = (groupId: number, dataSourceId: number) => state().links.filter((link) => link.group_id === groupId && link.data_source_id === dataSourceId);

beforeAll(async () => {
  await emulator.start();
  dashboardId = (await redash('POST', '/api/dashboards', { name: 'Sales Overview' })).id;
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(initial));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates every resource in Redash, and data sources read them back', async () => {
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 11 added, 0 changed, 0 destroyed');
  const ids = await stateIds();
  const redashState = state();
  expect(userById(ids.alice)).toMatchObject({ name: 'Alice', email: 'alice@example.com', is_invitation_pending: true, disabled_at: null });
  // Redash lower-cases the email at creation; Terraform keeps the configured spelling without drift.
  expect(userById(ids.bob)).toMatchObject({ email: 'bob@example.com' });
  expect(ids.resources.get('biaccess_redash_user.bob')).toMatchObject({ email: 'Bob@Example.com', pending_invitation: true, disabled: false, send_invite: true });
  expect(redashState.outbox.map((mail) => mail.to)).toEqual(['bob@example.com']); // only Bob asked for the e-mail
  expect(userById(ids.alice)!.groups.sort()).toEqual([2, ids.analysts].sort());
  expect(userById(ids.bob)!.groups.sort()).toEqual([2, ids.engineers].sort());
  expect(redashState.groups.find((group) => group.id === ids.analysts)).toMatchObject({ name: 'analysts', type: 'regular' });
  expect(redashState.dataSources.find((ds) => ds.id === ids.warehouse)).toMatchObject({
    name: 'warehouse',
    type: 'pg',
    options: { host: 'db.internal', port: 5432, dbname: 'analytics', user: 'redash', password: 'warehouse-password-1' },
  });
  expect(linksOf(ids.analysts, ids.warehouse)).toEqual([expect.objectContaining({ view_only: true })]);
  expect(linksOf(ids.engineers, ids.warehouse)).toEqual([expect.objectContaining({ view_only: false })]);
  expect(redashState.permissions).toEqual([expect.objectContaining({ object_id: dashboardId, grantee_id: ids.bob, access_type: 'modify' })]);
  expect(ids.resources.get('biaccess_redash_group_member.alice_analysts')?.id).toBe(`${ids.analysts}/${ids.alice}`);

  const outputs = JSON.parse((await workspace.terraform(['output', '-json'])).stdout);
  expect(outputs.bob.value).toEqual({ email: 'Bob@Example.com', id: String(ids.bob), name: 'Bob', disabled: false, groups: ['2', String(ids.engineers)].sort((a, b) => Number(a) - Number(b)) });
  expect(outputs.warehouse_type.value).toBe('pg');
  expect(outputs.sales.value).toEqual({ id: String(dashboardId), slug: 'sales-overview', name: 'Sales Overview' });
});

test('a second plan shows no changes, and options stay out of the output', async () => {
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('No changes');
  const show = await workspace.terraform(['show']);
  expect(show.stdout).not.toContain('warehouse-password-1');
});

test('names, emails, data source settings and view_only change in place, keeping every id', async () => {
  const before = await stateIds();
  workspace.write('main.tf', configuration(updated));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 0 to add, 4 to change, 0 to destroy');
  expect(plan.stdout).not.toContain('must be replaced');
  expect(plan.stdout).toMatch(/name\s+= "analysts" -> "data-analysts"/);
  expect(plan.stdout).toMatch(/email\s+= "alice@example.com" -> "alice.liddell@example.com"/);
  expect(plan.stdout).toMatch(/view_only\s+= true -> false/);
  expect(plan.stdout).toMatch(/options\s+= \(sensitive value\)/);
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await stateIds();
  expect([after.alice, after.analysts, after.warehouse]).toEqual([before.alice, before.analysts, before.warehouse]);
  expect(userById(after.alice)).toMatchObject({ name: 'Alice Liddell', email: 'alice.liddell@example.com' });
  expect(state().groups.find((group) => group.id === after.analysts)?.name).toBe('data-analysts');
  expect(state().dataSources.find((ds) => ds.id === after.warehouse)).toMatchObject({ name: 'warehouse-eu', options: expect.objectContaining({ port: 5433, password: 'warehouse-password-1' }) });
  expect(linksOf(after.analysts, after.warehouse)).toEqual([expect.objectContaining({ view_only: false })]);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('changes made by hand show in plan -refresh-only, and the next apply restores the declared state', async () => {
  const ids = await stateIds();
  await redash('DELETE', `/api/groups/${ids.analysts}/members/${ids.alice}`); // member removed
  await redash('POST', `/api/groups/${ids.engineers}/data_sources/${ids.warehouse}`, { view_only: true }); // view_only flipped
  await redash('POST', `/api/users/${ids.bob}/disable`); // user disabled
  await redash('POST', `/api/groups/${ids.engineers}`, { name: 'renamed-by-hand' }); // group renamed
  await redash('DELETE', `/api/dashboards/${dashboardId}/acl`, { access_type: 'modify', user_id: ids.bob }); // share revoked
  await redash('POST', `/api/data_sources/${ids.warehouse}`, { name: 'warehouse-eu', type: 'pg', options: { host: 'db.internal', port: 5433, dbname: 'other', user: 'redash', password: '--------' } });

  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  const output = refresh.stdout;
  expect(output).toContain('Objects have changed outside of Terraform');
  expect(output).toMatch(/biaccess_redash_group_member\.alice_analysts has been deleted/);
  expect(output).toMatch(/biaccess_redash_dashboard_share\.bob_sales has been deleted/);
  expect(output).toMatch(/biaccess_redash_user\.bob has changed[\s\S]*disabled\s+= false -> true/);
  expect(output).toMatch(/biaccess_redash_group\.engineers has changed[\s\S]*name\s+= "engineers" -> "renamed-by-hand"/);
  expect(output).toMatch(/biaccess_redash_data_source_access\.engineers has changed[\s\S]*view_only\s+= false -> true/);
  expect(output).toMatch(/biaccess_redash_data_source\.warehouse has changed[\s\S]*options\s+= \(sensitive value\)/);

  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 2 added, 4 changed, 0 destroyed');
  expect(userById(ids.alice)!.groups).toContain(ids.analysts);
  expect(userById(ids.bob)!.disabled_at).toBeNull();
  expect(state().groups.find((group) => group.id === ids.engineers)?.name).toBe('engineers');
  expect(linksOf(ids.engineers, ids.warehouse)).toEqual([expect.objectContaining({ view_only: false })]);
  expect(state().permissions).toEqual([expect.objectContaining({ object_id: dashboardId, grantee_id: ids.bob })]);
  expect(state().dataSources.find((ds) => ds.id === ids.warehouse)!.options).toMatchObject({ dbname: 'analytics', password: 'warehouse-password-1' });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('objects deleted by hand (a group, a pending user, a data source) are recreated with what hangs on them', async () => {
  const before = await stateIds();
  await redash('DELETE', `/api/groups/${before.engineers}`); // also strips Bob's membership and the link
  await redash('DELETE', `/api/users/${before.alice}`); // a pending invitation can be deleted
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toMatch(/biaccess_redash_group\.engineers will be created/);
  expect(plan.stdout).toMatch(/biaccess_redash_user\.alice will be created/);
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await stateIds();
  expect(after.engineers).not.toBe(before.engineers);
  expect(after.alice).not.toBe(before.alice);
  expect(userById(after.bob)!.groups.filter((id) => id === after.engineers)).toHaveLength(1);
  expect(userById(after.alice)!.groups.sort()).toEqual([2, after.analysts].sort());
  expect(linksOf(after.engineers, after.warehouse)).toEqual([expect.objectContaining({ view_only: false })]);

  await redash('DELETE', `/api/data_sources/${after.warehouse}`);
  await workspace.terraform(['apply', '-auto-approve']);
  const recreated = await stateIds();
  expect(recreated.warehouse).not.toBe(after.warehouse);
  expect(linksOf(recreated.analysts, recreated.warehouse)).toHaveLength(1);
  expect(linksOf(recreated.engineers, recreated.warehouse)).toHaveLength(1);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('terraform import takes over what exists: users by email and by id, and every other resource by its documented ID', async () => {
  const carol = await redash('POST', '/api/users?no_invite', { name: 'Carol', email: 'carol@example.com' });
  const dave = await redash('POST', '/api/users?no_invite', { name: 'Dave', email: 'dave@example.com' });
  const ops = await redash('POST', '/api/groups', { name: 'ops' });
  await redash('POST', `/api/groups/${ops.id}/members`, { user_id: carol.id });
  const lake = await redash('POST', '/api/data_sources', { name: 'lake', type: 'pg', options: { dbname: 'lake', port: 5432 } });
  await redash('POST', `/api/groups/${ops.id}/data_sources`, { data_source_id: lake.id });
  await redash('POST', `/api/groups/${ops.id}/data_sources/${lake.id}`, { view_only: true });
  await redash('POST', `/api/dashboards/${dashboardId}/acl`, { access_type: 'modify', user_id: carol.id });
  const extra = `
resource "biaccess_redash_user" "carol" {
  email = "carol@example.com"
  name  = "Carol"
}
resource "biaccess_redash_user" "dave" {
  email = "dave@example.com"
  name  = "Dave"
}
resource "biaccess_redash_group" "ops" {
  name = "ops"
}
resource "biaccess_redash_group_member" "carol_ops" {
  group_id = biaccess_redash_group.ops.id
  user_id  = biaccess_redash_user.carol.id
}
resource "biaccess_redash_data_source" "lake" {
  name    = "lake"
  type    = "pg"
  options = { dbname = "lake", port = "5432" }
}
resource "biaccess_redash_data_source_access" "ops_lake" {
  group_id       = biaccess_redash_group.ops.id
  data_source_id = biaccess_redash_data_source.lake.id
  view_only      = true
}
resource "biaccess_redash_dashboard_share" "carol_sales" {
  dashboard_id = data.biaccess_redash_dashboard.sales.id
  user_id      = biaccess_redash_user.carol.id
}
`;
  workspace.write('main.tf', configuration({ ...updated, extra }));
  const imports: Array<[string, string]> = [
    ['biaccess_redash_user.carol', 'carol@example.com'],
    ['biaccess_redash_user.dave', String(dave.id)],
    ['biaccess_redash_group.ops', String(ops.id)],
    ['biaccess_redash_group_member.carol_ops', `${ops.id}/${carol.id}`],
    ['biaccess_redash_data_source.lake', String(lake.id)],
    ['biaccess_redash_data_source_access.ops_lake', `${ops.id}/${lake.id}`],
    ['biaccess_redash_dashboard_share.carol_sales', `${dashboardId}/${carol.id}`],
  ];
  for (const [address, id] of imports) {
    const result = await workspace.terraform(['import', address, id]);
    expect(result.stdout).toContain('Import successful');
  }
  const resources = await workspace.stateResources();
  expect(resources.get('biaccess_redash_user.carol')).toMatchObject({ id: String(carol.id), email: 'carol@example.com', name: 'Carol', pending_invitation: true });
  expect(resources.get('biaccess_redash_user.dave')).toMatchObject({ id: String(dave.id), email: 'dave@example.com' });
  expect(resources.get('biaccess_redash_data_source_access.ops_lake')).toMatchObject({ id: `${ops.id}/${lake.id}`, view_only: true });
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.stdout).toContain('No changes');
  expect(plan.code).toBe(0);
  // Nothing was created while importing.
  expect(state().users.filter((user) => user.email === 'carol@example.com')).toHaveLength(1);
  expect(state().links.filter((link) => link.group_id === ops.id)).toHaveLength(1);
});

test('destroy removes everything: pending invitations are deleted, active users disabled', async () => {
  const ids = await stateIds();
  const carolId = Number(ids.resources.get('biaccess_redash_user.carol')?.id);
  emulator.activateUser(ids.alice); // Alice accepted her invitation: Redash cannot delete her any more
  const destroy = await workspace.terraform(['destroy', '-auto-approve']);
  expect(destroy.stdout).toContain('Destroy complete!');
  expect((await workspace.stateResources()).size).toBe(0);
  const after = state();
  expect(userById(ids.alice)).toMatchObject({ is_invitation_pending: false });
  expect(userById(ids.alice)!.disabled_at).not.toBeNull();
  expect(userById(ids.bob)).toBeUndefined();
  expect(userById(carolId)).toBeUndefined();
  expect(after.users.map((user) => user.email)).toEqual(['admin@example.com', 'alice.liddell@example.com']);
  expect(after.groups.map((group) => group.name)).toEqual(['admin', 'default']);
  expect(after.dataSources).toEqual([]);
  expect(after.links).toEqual([]);
  expect(after.permissions).toEqual([]);
  // Memberships were removed before the users went, the default one of Alice included.
  expect(userById(ids.alice)!.groups).toEqual([]);
});
