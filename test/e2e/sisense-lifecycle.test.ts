// Every Sisense resource under the real Terraform against the emulator: create, data sources, a
// refresh that changes nothing, in-place updates, hand changes seen by a refresh and undone by
// apply (the dashboard republished each time), objects deleted by hand recreated, imports (CLI
// and import blocks), and a destroy that leaves every share and member nobody declared. The two
// ways of logging in, side by side as provider aliases, are in sisense-logins.test.ts.
import { SisenseEmulator, SISENSE_ADMIN_TOKEN, type StoredDashboard, type StoredDataModel } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new SisenseEmulator();
let workspace: TerraformWorkspace;
let sales: StoredDashboard;
let salesModel: StoredDataModel;
let liveModel: StoredDataModel;
let ownerId: string;
let bystanderId: string;

async function sisense(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Bearer ${SISENSE_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

interface Settings {
  anaEmail: string;
  anaRole: string;
  anaLastName: string;
  analystsName: string;
  groupRule: string;
  subscribe: boolean;
  modelPermission: string;
  extra?: string;
}

const initial: Settings = { anaEmail: 'ana@example.com', anaRole: 'Viewer', anaLastName: 'Analyst', analystsName: 'Analysts', groupRule: 'view', subscribe: false, modelPermission: 'use' };
const updated: Settings = { anaEmail: 'ana.analyst@example.com', anaRole: 'contributor', anaLastName: 'Lytic', analystsName: 'Data Analysts', groupRule: 'edit', subscribe: true, modelPermission: 'edit' };

function configuration(settings: Settings): string {
  return (
    providerBlock(`  sisense {\n    url   = "${emulator.url}"\n    token = "${SISENSE_ADMIN_TOKEN}"\n  }`) +
    `
resource "biaccess_sisense_user" "ana" {
  email      = "${settings.anaEmail}"
  first_name = "Ana"
  last_name  = "${settings.anaLastName}"
  role       = "${settings.anaRole}"
  password   = "ana-initial-password"
}

resource "biaccess_sisense_user" "eli" {
  email    = "Eli@Example.com"
}

resource "biaccess_sisense_group" "analysts" {
  name = "${settings.analystsName}"
}

resource "biaccess_sisense_group_member" "ana" {
  group_id = biaccess_sisense_group.analysts.id
  user_id  = biaccess_sisense_user.ana.id
}

resource "biaccess_sisense_group_member" "eli" {
  group_id = biaccess_sisense_group.analysts.id
  user_id  = biaccess_sisense_user.eli.id
}

data "biaccess_sisense_dashboard" "sales" {
  title = "Sales Overview"
}

data "biaccess_sisense_data_model" "sales" {
  title = data.biaccess_sisense_dashboard.sales.data_model_title
}

data "biaccess_sisense_data_model" "live" {
  title = "Live Orders"
}

resource "biaccess_sisense_dashboard_share" "analysts" {
  dashboard_id = data.biaccess_sisense_dashboard.sales.id
  group_id     = biaccess_sisense_group.analysts.id
  rule         = "${settings.groupRule}"
  subscribe    = ${settings.subscribe}
}

resource "biaccess_sisense_dashboard_share" "eli" {
  dashboard_id = data.biaccess_sisense_dashboard.sales.id
  user_id      = biaccess_sisense_user.eli.id
}

resource "biaccess_sisense_data_model_share" "analysts" {
  data_model_id = data.biaccess_sisense_data_model.sales.id
  group_id      = biaccess_sisense_group.analysts.id
  permission    = "${settings.modelPermission}"
}

resource "biaccess_sisense_data_model_share" "live_ana" {
  data_model_id = data.biaccess_sisense_data_model.live.id
  user_id       = biaccess_sisense_user.ana.id
  permission    = "read"
}

data "biaccess_sisense_user" "ana" {
  email      = biaccess_sisense_user.ana.email
  depends_on = [biaccess_sisense_group_member.ana]
}

data "biaccess_sisense_group" "everyone" {
  name = "Everyone"
}

output "ana" {
  value = data.biaccess_sisense_user.ana
}

output "everyone" {
  value = data.biaccess_sisense_group.everyone.id
}

output "sales" {
  value = data.biaccess_sisense_dashboard.sales
}

output "live_type" {
  value = data.biaccess_sisense_data_model.live.type
}
` +
    (settings.extra ?? '')
  );
}

const state = () => emulator.snapshotState();
const stateIds = async () => {
  const resources = await workspace.stateResources();
  const id = (address: string) => resources.get(address)?.id as string;
  return { ana: id('biaccess_sisense_user.ana'), eli: id('biaccess_sisense_user.eli'), analysts: id('biaccess_sisense_group.analysts'), resources };
};
const userById = (id: string) => state().users.find((user) => user._id === id);
const adminsId = () => state().groups.find((group) => group.name === 'Admins')!._id;
const dashboard = () => state().dashboards.find((candidate) => candidate.oid === sales.oid)!;
const modelShares = (oid: string) => state().dataModels.find((model) => model.oid === oid)!.shares;
const publishes = () => emulator.countRequests({ method: 'POST', path: `/api/v1/dashboards/${sales.oid}/publish` });

beforeAll(async () => {
  await emulator.start();
  salesModel = emulator.addDataModel('Sales', 'extract');
  liveModel = emulator.addDataModel('Live Orders', 'live');
  ownerId = emulator.addUser('dana@example.com', { role: 'contributor', password: 'dana-password' })._id;
  bystanderId = emulator.addUser('bystander@example.com')._id;
  sales = emulator.addDashboard('Sales Overview', { owner: ownerId, dataModel: salesModel });
  // Shares and permissions nobody declares: they must survive every apply and the destroy.
  await sisense('POST', `/api/shares/dashboard/${sales.oid}?adminAccess=true`, {
    sharesTo: [
      { shareId: ownerId, type: 'user', subscribe: false },
      { shareId: bystanderId, type: 'user', rule: 'view', subscribe: false },
    ],
  });
  await sisense('PUT', `/api/elasticubes/localhost/Sales/permissions`, [{ partyId: bystanderId, type: 'user', permission: 'a' }]);
  // A membership nobody declares.
  await sisense('POST', `/api/groups/${adminsId()}/users`, [bystanderId]);
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(initial));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates every resource in Sisense, the dashboard is republished, and data sources read them back', async () => {
  emulator.clearRequestLog();
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 9 added, 0 changed, 0 destroyed');
  const ids = await stateIds();
  const consumer = state().roles.find((role) => role.name === 'consumer')!._id;
  expect(userById(ids.ana)).toMatchObject({ email: 'ana@example.com', userName: 'ana@example.com', firstName: 'Ana', lastName: 'Analyst', roleId: consumer, active: true, groups: [ids.analysts] });
  // The configured spelling is kept in state; Sisense has it as sent.
  expect(userById(ids.eli)).toMatchObject({ email: 'Eli@Example.com', roleId: consumer, active: false, groups: [ids.analysts] });
  expect(ids.resources.get('biaccess_sisense_user.ana')).toMatchObject({ role: 'Viewer', active: true, user_name: 'ana@example.com' });
  expect(ids.resources.get('biaccess_sisense_user.eli')).toMatchObject({ role: 'consumer', active: false, user_name: 'Eli@Example.com' });

  // The owner's entry (no rule) and the bystander's stay first; the two new ones follow in either order.
  expect(dashboard().shares.slice(0, 2)).toEqual([
    { shareId: ownerId, type: 'user', subscribe: false },
    { shareId: bystanderId, type: 'user', rule: 'view', subscribe: false },
  ]);
  expect(dashboard().shares.slice(2)).toEqual(
    expect.arrayContaining([
      { shareId: ids.analysts, type: 'group', rule: 'view', subscribe: false },
      { shareId: ids.eli, type: 'user', rule: 'view', subscribe: false },
    ]),
  );
  expect(dashboard().shares).toHaveLength(4);
  // Published after the shares changed: recipients see what the list says.
  expect(dashboard().publishedShares).toEqual(dashboard().shares);
  expect(publishes()).toBeGreaterThanOrEqual(1);
  expect(modelShares(salesModel.oid)).toEqual([
    { partyId: bystanderId, type: 'user', permission: 'a' },
    { partyId: ids.analysts, type: 'group', permission: 'r' },
  ]);
  expect(modelShares(liveModel.oid)).toEqual([{ partyId: ids.ana, type: 'user', permission: 'a' }]);
  expect(ids.resources.get('biaccess_sisense_dashboard_share.analysts')?.id).toBe(`${sales.oid}/group/${ids.analysts}`);
  expect(ids.resources.get('biaccess_sisense_dashboard_share.eli')?.id).toBe(`${sales.oid}/user/${ids.eli}`);
  expect(ids.resources.get('biaccess_sisense_group_member.ana')?.id).toBe(`${ids.analysts}/${ids.ana}`);

  const outputs = JSON.parse((await workspace.terraform(['output', '-json'])).stdout);
  expect(outputs.ana.value).toEqual({ email: 'ana@example.com', id: ids.ana, user_name: 'ana@example.com', first_name: 'Ana', last_name: 'Analyst', role: 'consumer', active: true, group_ids: [ids.analysts] });
  expect(outputs.everyone.value).toBe(state().groups.find((group) => group.name === 'Everyone')!._id);
  expect(outputs.sales.value).toEqual({ id: sales.oid, title: 'Sales Overview', owner_id: ownerId, data_model_title: 'Sales' });
  expect(outputs.live_type.value).toBe('live');
});

test('a refresh right after apply changes nothing, and no secret is in the state or the output', async () => {
  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode']);
  expect(refresh.code).toBe(0);
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.code).toBe(0);
  const show = await workspace.terraform(['show']);
  for (const secret of [SISENSE_ADMIN_TOKEN, 'ana-initial-password']) {
    expect(show.stdout).not.toContain(secret);
    expect(refresh.stdout + refresh.stderr + plan.stdout + plan.stderr).not.toContain(secret);
  }
  const pulled = (await workspace.terraform(['state', 'pull'])).stdout;
  expect(pulled).not.toContain(SISENSE_ADMIN_TOKEN);
});

test('email, names, role, group name, share rule and subscription, and model permission change in place, keeping every id', async () => {
  const before = await stateIds();
  const publishesBefore = publishes();
  workspace.write('main.tf', configuration(updated));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 0 to add, 4 to change, 0 to destroy');
  expect(plan.stdout).not.toContain('must be replaced');
  expect(plan.stdout).toMatch(/role\s+= "Viewer" -> "contributor"/);
  expect(plan.stdout).toMatch(/rule\s+= "view" -> "edit"/);
  expect(plan.stdout).toMatch(/permission\s+= "use" -> "edit"/);
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await stateIds();
  expect([after.ana, after.analysts]).toEqual([before.ana, before.analysts]);
  const contributor = state().roles.find((role) => role.name === 'contributor')!._id;
  // The membership written by its own resource is untouched by the user's update.
  expect(userById(after.ana)).toMatchObject({ email: 'ana.analyst@example.com', lastName: 'Lytic', roleId: contributor, groups: [after.analysts] });
  expect(state().groups.find((group) => group._id === after.analysts)?.name).toBe('Data Analysts');
  expect(dashboard().shares.find((share) => share.shareId === after.analysts)).toMatchObject({ rule: 'edit', subscribe: true });
  expect(dashboard().shares.find((share) => share.shareId === bystanderId)).toMatchObject({ rule: 'view' });
  expect(dashboard().publishedShares).toEqual(dashboard().shares);
  expect(publishes()).toBe(publishesBefore + 1);
  expect(modelShares(salesModel.oid)).toContainEqual({ partyId: after.analysts, type: 'group', permission: 'w' });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('changes made by hand show in plan -refresh-only, and the next apply restores them and republishes', async () => {
  const ids = await stateIds();
  const contributor = state().roles.find((role) => role.name === 'contributor')!._id;
  const dataAdmin = state().roles.find((role) => role.name === 'dataAdmin')!._id;
  await sisense('DELETE', `/api/groups/${ids.analysts}/users`, [ids.ana]); // member removed (v0.9 route)
  await sisense('PUT', `/api/groups/${ids.analysts}`, { name: 'Renamed by hand' }); // group renamed
  await sisense('POST', `/api/groups/${ids.analysts}/users`, [bystanderId]); // a member nobody declares
  await sisense('PATCH', `/api/v1/users/${ids.ana}`, { roleId: dataAdmin }); // role changed
  const shares = dashboard().shares.filter((share) => share.shareId !== ids.eli).map((share) => (share.shareId === ids.analysts ? { ...share, rule: 'view' } : share));
  await sisense('PATCH', `/api/v1/dashboards/${sales.oid}?adminAccess=true`, { shares }); // share removed, another's rule changed (v1 route)
  await sisense('PUT', `/api/elasticubes/localhost/Sales/permissions`, modelShares(salesModel.oid).map((share) => (share.partyId === ids.analysts ? { ...share, permission: 'a' } : share)));

  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  const output = refresh.stdout;
  expect(output).toContain('Objects have changed outside of Terraform');
  expect(output).toMatch(/biaccess_sisense_group_member\.ana has been deleted/);
  expect(output).toMatch(/biaccess_sisense_dashboard_share\.eli has been deleted/);
  expect(output).toMatch(/biaccess_sisense_group\.analysts has changed[\s\S]*name\s+= "Data Analysts" -> "Renamed by hand"/);
  expect(output).toMatch(/biaccess_sisense_user\.ana has changed[\s\S]*role\s+= "contributor" -> "dataAdmin"/);
  expect(output).toMatch(/biaccess_sisense_dashboard_share\.analysts has changed[\s\S]*rule\s+= "edit" -> "view"/);
  expect(output).toMatch(/biaccess_sisense_data_model_share\.analysts has changed[\s\S]*permission\s+= "edit" -> "read"/);

  emulator.clearRequestLog();
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Apply complete! Resources: 2 added, 4 changed, 0 destroyed');
  expect(userById(ids.ana)).toMatchObject({ roleId: contributor, groups: [ids.analysts] });
  expect(state().groups.find((group) => group._id === ids.analysts)?.name).toBe('Data Analysts');
  expect(userById(bystanderId)!.groups).toEqual([adminsId(), ids.analysts]);
  expect(dashboard().shares.find((share) => share.shareId === ids.analysts)).toMatchObject({ rule: 'edit' });
  expect(dashboard().shares.find((share) => share.shareId === ids.eli)).toMatchObject({ rule: 'view' });
  expect(dashboard().shares).toHaveLength(4);
  // Every write of the share list is followed by a publish (the two changes share a write when
  // Terraform hands them over together; the scale test measures the batching).
  const writes = emulator.countRequests({ method: 'POST', path: `/api/shares/dashboard/${sales.oid}` });
  expect(writes).toBeGreaterThanOrEqual(1);
  expect(writes).toBeLessThanOrEqual(2);
  expect(publishes()).toBe(writes);
  expect(dashboard().publishedShares).toEqual(dashboard().shares);
  expect(modelShares(salesModel.oid)).toContainEqual({ partyId: ids.analysts, type: 'group', permission: 'w' });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('a user and a group deleted by hand are recreated, with their memberships and shares', async () => {
  const before = await stateIds();
  await sisense('DELETE', `/api/v1/groups/${before.analysts}`);
  await sisense('DELETE', `/api/v1/users/${before.eli}`);
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toMatch(/biaccess_sisense_group\.analysts will be created/);
  expect(plan.stdout).toMatch(/biaccess_sisense_user\.eli will be created/);
  // Sisense leaves the deleted parties' entries behind: they grant nothing, and are drift.
  expect(plan.stdout).toMatch(/biaccess_sisense_dashboard_share\.eli (will be created|must be replaced)/);
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await stateIds();
  expect(after.analysts).not.toBe(before.analysts);
  expect(after.eli).not.toBe(before.eli);
  expect(userById(after.eli)!.groups).toEqual([after.analysts]);
  expect(userById(after.ana)!.groups.filter((id) => id === after.analysts)).toHaveLength(1);
  expect(dashboard().shares.find((share) => share.shareId === after.analysts)).toMatchObject({ type: 'group', rule: 'edit' });
  expect(dashboard().shares.find((share) => share.shareId === after.eli)).toMatchObject({ type: 'user', rule: 'view' });
  expect(modelShares(salesModel.oid)).toContainEqual({ partyId: after.analysts, type: 'group', permission: 'w' });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('terraform import takes over users by id and by email, groups by name, and shares and members by their ids', async () => {
  const ids = await stateIds();
  for (const address of ['biaccess_sisense_user.ana', 'biaccess_sisense_user.eli', 'biaccess_sisense_group.analysts', 'biaccess_sisense_group_member.ana', 'biaccess_sisense_dashboard_share.analysts', 'biaccess_sisense_data_model_share.analysts']) {
    await workspace.terraform(['state', 'rm', address]);
  }
  await workspace.terraform(['import', 'biaccess_sisense_user.ana', ids.ana]);
  await workspace.terraform(['import', 'biaccess_sisense_user.eli', 'eli@example.com']);
  await workspace.terraform(['import', 'biaccess_sisense_group.analysts', 'Data Analysts']);
  await workspace.terraform(['import', 'biaccess_sisense_group_member.ana', `${ids.analysts}/${ids.ana}`]);
  await workspace.terraform(['import', 'biaccess_sisense_dashboard_share.analysts', `${sales.oid}/group/${ids.analysts}`]);
  await workspace.terraform(['import', 'biaccess_sisense_data_model_share.analysts', `${salesModel.oid}/group/${ids.analysts}`]);
  const imported = await stateIds();
  expect(imported.resources.get('biaccess_sisense_dashboard_share.analysts')).toMatchObject({ dashboard_id: sales.oid, group_id: ids.analysts, user_id: null, rule: 'edit', subscribe: true });
  expect(imported.resources.get('biaccess_sisense_data_model_share.analysts')).toMatchObject({ permission: 'edit' });
  expect(imported.resources.get('biaccess_sisense_user.ana')).toMatchObject({ role: 'contributor' });
  // The imported role is the API name; the configuration says the same role: nothing to change
  // but the password, which Sisense never returns.
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy');
  expect(plan.stdout).toMatch(/biaccess_sisense_user\.ana will be updated in-place[\s\S]*password\s+= \(sensitive value\)/);
  await workspace.terraform(['apply', '-auto-approve']);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('import blocks take over a share made by hand, and a malformed import ID says the expected form', async () => {
  // The bystander's share is raised to edit by hand, then declared as it now is.
  const raised = dashboard().shares.map((share) => (share.shareId === bystanderId ? { ...share, rule: 'edit' } : share));
  await sisense('POST', `/api/shares/dashboard/${sales.oid}?adminAccess=true`, { sharesTo: raised });
  const extra = `
import {
  to = biaccess_sisense_dashboard_share.bystander
  id = "${sales.oid}/user/${bystanderId}"
}

resource "biaccess_sisense_dashboard_share" "bystander" {
  dashboard_id = data.biaccess_sisense_dashboard.sales.id
  user_id      = "${bystanderId}"
  rule         = "edit"
}
`;
  workspace.write('main.tf', configuration({ ...updated, extra }));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 1 to import, 0 to add, 0 to change, 0 to destroy');
  await workspace.terraform(['apply', '-auto-approve']);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);

  await workspace.terraform(['state', 'rm', 'biaccess_sisense_dashboard_share.bystander']);
  workspace.write('main.tf', configuration(updated));
  const malformed = await workspace.terraform(['import', 'biaccess_sisense_dashboard_share.analysts', `${sales.oid}/team/${bystanderId}`], { allowFailure: true });
  expect(malformed.code).not.toBe(0);
  expect(malformed.stderr).toMatch(/dashboard_id\/user\/<user_id>\s+\|\s+dashboard_id\/group\/<group_id>/);
});

test('destroy removes exactly what was declared: shares, permissions and members nobody declared stay, and the dashboard is republished', async () => {
  const ids = await stateIds();
  emulator.clearRequestLog();
  await workspace.terraform(['destroy', '-auto-approve']);
  expect(userById(ids.ana)).toBeUndefined();
  expect(userById(ids.eli)).toBeUndefined();
  expect(state().groups.find((group) => group._id === ids.analysts)).toBeUndefined();
  // Entries of the user and group deleted by hand earlier stay behind in Sisense (they grant nothing).
  const declaredParties = [ids.analysts, ids.eli];
  expect(dashboard().shares.slice(0, 2)).toEqual([
    { shareId: ownerId, type: 'user', subscribe: false },
    { shareId: bystanderId, type: 'user', rule: 'edit', subscribe: false },
  ]);
  expect(dashboard().shares.filter((share) => declaredParties.includes(share.shareId))).toEqual([]);
  expect(dashboard().publishedShares).toEqual(dashboard().shares);
  expect(publishes()).toBeGreaterThanOrEqual(1);
  expect(modelShares(salesModel.oid)[0]).toEqual({ partyId: bystanderId, type: 'user', permission: 'a' });
  expect(modelShares(salesModel.oid).filter((share) => declaredParties.includes(share.partyId))).toEqual([]);
  expect(modelShares(liveModel.oid).filter((share) => share.partyId === ids.ana)).toEqual([]);
  expect(userById(ownerId)).toBeDefined();
  expect(userById(bystanderId)!.groups).toContain(adminsId());
});
