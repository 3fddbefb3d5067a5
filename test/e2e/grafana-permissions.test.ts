// Grafana dashboard, folder and data source permissions under the real Terraform, against an
// Enterprise emulator: one grant per resource, changed in place, drift and deletion, grants made
// by others (before and during the apply, and inherited from folders) never touched, import, destroy.
import { GrafanaEmulator, type EmulatedPermission, type PermissionResource } from '../../src/vendors/grafana/emulator';
import { grafanaApi, type GrafanaApi, whileChangingByHand } from '../support/grafana-api';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulator = new GrafanaEmulator({ enterprise: true });
let workspace: TerraformWorkspace;
let admin: GrafanaApi;
let url: string;

const users: Record<string, number> = {};
/** 30 users granted View on the "wide" dashboard, and bystanders granted by hand during the apply. */
const wideUserIds: number[] = [];
const bystanderIds: number[] = [];
let teamId: number;

interface Desired {
  salesUser: string;
  salesTeam: string;
  folderUser: string;
  sourceTeam: string;
  sourceUser: string;
  extra?: string;
}

const initial: Desired = { salesUser: 'View', salesTeam: 'Edit', folderUser: 'Admin', sourceTeam: 'Query', sourceUser: 'Edit' };
let desired = initial;

function configuration(d: Desired): string {
  return (
    providerBlock(`  grafana {\n    url  = "${url}"\n    auth = "${emulator.adminAuth}"\n  }`) +
    `
data "biaccess_grafana_dashboard" "sales" {
  title = "Sales"
}

data "biaccess_grafana_folder" "team" {
  title = "Team folder"
}

data "biaccess_grafana_data_source" "warehouse" {
  name = "warehouse"
}

resource "biaccess_grafana_dashboard_permission" "sales_user" {
  dashboard_uid = data.biaccess_grafana_dashboard.sales.uid
  user_id       = ${users.ann}
  permission    = "${d.salesUser}"
}

resource "biaccess_grafana_dashboard_permission" "sales_team" {
  dashboard_uid = data.biaccess_grafana_dashboard.sales.uid
  team_id       = ${teamId}
  permission    = "${d.salesTeam}"
}

resource "biaccess_grafana_dashboard_permission" "root_viewers" {
  dashboard_uid = "root-dash"
  role          = "Viewer"
  permission    = "Edit"
}

resource "biaccess_grafana_dashboard_permission" "wide" {
  for_each      = { for id in [${wideUserIds.join(', ')}] : tostring(id) => id }
  dashboard_uid = "wide"
  user_id       = each.value
  permission    = "View"
}

resource "biaccess_grafana_folder_permission" "team_folder_user" {
  folder_uid = data.biaccess_grafana_folder.team.uid
  user_id    = ${users.ben}
  permission = "${d.folderUser}"
}

resource "biaccess_grafana_folder_permission" "team_folder_editors" {
  folder_uid = data.biaccess_grafana_folder.team.uid
  role       = "Editor"
  permission = "View"
}

resource "biaccess_grafana_data_source_permission" "warehouse_team" {
  data_source_uid = data.biaccess_grafana_data_source.warehouse.uid
  team_id         = ${teamId}
  permission      = "${d.sourceTeam}"
}

resource "biaccess_grafana_data_source_permission" "warehouse_user" {
  data_source_uid = data.biaccess_grafana_data_source.warehouse.uid
  user_id         = ${users.cid}
  permission      = "${d.sourceUser}"
}

resource "biaccess_grafana_data_source_permission" "warehouse_viewers" {
  data_source_uid = "warehouse-uid"
  role            = "Viewer"
  permission      = "Query"
}
` +
    (d.extra ?? '')
  );
}

async function apply(d: Desired = desired) {
  desired = d;
  workspace.write('main.tf', configuration(d));
  return workspace.terraform(['apply', '-auto-approve']);
}

/** Who holds what on one object, e.g. { "user:5": "View", "role:Viewer": "Edit" }. */
function grantsOn(resource: PermissionResource, uid: string): Record<string, string> {
  const key = (p: EmulatedPermission) => (p.userId ? `user:${p.userId}` : p.teamId ? `team:${p.teamId}` : `role:${p.builtInRole}`);
  return Object.fromEntries(emulator.permissionsOf(resource, uid).map((p) => [key(p), p.permission]));
}

const setGrant = (resource: string, uid: string, assignee: string, permission: string) => admin.ok('POST', `/api/access-control/${resource}/${uid}/${assignee}`, { permission });

/** Runs `work` while granting bystanders View on "wide" and on the team folder by hand, every 40 ms. */
function whileGrantingBystanders<T>(work: Promise<T>) {
  return whileChangingByHand(work, bystanderIds, async (userId) => {
    await setGrant('dashboards', 'wide', `users/${userId}`, 'View');
    await setGrant('folders', 'team-folder', `users/${userId}`, 'View');
  });
}

beforeAll(async () => {
  url = await emulator.start();
  admin = grafanaApi(url, emulator.adminAuth);
  const makeUser = async (login: string) => (await admin.ok('POST', '/api/admin/users', { login, email: `${login}@example.com`, password: 'password1' })).id as number;
  for (const login of ['ann', 'ben', 'cid', 'dot', 'eve']) users[login] = await makeUser(login);
  for (let i = 1; i <= 30; i++) wideUserIds.push(await makeUser(`wide${i}`));
  for (let i = 1; i <= 30; i++) bystanderIds.push(await makeUser(`bystander${i}`));
  teamId = (await admin.ok('POST', '/api/teams', { name: 'Analysts' })).teamId;
  // Objects are made through the API, as Grafana users make them (with Grafana's default grants).
  await admin.ok('POST', '/api/folders', { uid: 'team-folder', title: 'Team folder' });
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'sales', title: 'Sales' }, folderUid: 'team-folder' });
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'root-dash', title: 'Root' } });
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'wide', title: 'Wide' } });
  await admin.ok('POST', '/api/datasources', { name: 'warehouse', type: 'postgres', uid: 'warehouse-uid' });
  // Grants nobody declares: on the same dashboard, folder and data source, and one inherited
  // from the folder for a user who also has a (lower) grant of their own on the dashboard.
  await setGrant('dashboards', 'sales', `users/${users.dot}`, 'Edit');
  await setGrant('folders', 'team-folder', `users/${users.ann}`, 'Admin');
  await setGrant('dashboards', 'wide', `users/${users.eve}`, 'Admin');
  await setGrant('datasources', 'warehouse-uid', `users/${users.dot}`, 'Query');
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(initial));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates every grant, takes over the default role grant, and leaves all other grants alone', async () => {
  const before = { sales: grantsOn('dashboards', 'sales'), folder: grantsOn('folders', 'team-folder'), wide: grantsOn('dashboards', 'wide') };
  const { result, added } = await whileGrantingBystanders(apply(initial));
  expect(result.stdout).toContain('Apply complete! Resources: 38 added, 0 changed, 0 destroyed');
  expect(added.length).toBeGreaterThan(3);

  expect(grantsOn('dashboards', 'sales')).toEqual({ ...before.sales, [`user:${users.ann}`]: 'View', [`team:${teamId}`]: 'Edit' });
  // A new root dashboard comes with Viewer→View: the declared grant took it over.
  expect(grantsOn('dashboards', 'root-dash')).toEqual({ 'user:1': 'Admin', 'role:Editor': 'Edit', 'role:Viewer': 'Edit' });
  const wide = grantsOn('dashboards', 'wide');
  expect(wide).toEqual({
    ...before.wide,
    ...Object.fromEntries(wideUserIds.map((id) => [`user:${id}`, 'View'])),
    ...Object.fromEntries(added.map((id) => [`user:${id}`, 'View'])),
  });
  expect(grantsOn('folders', 'team-folder')).toEqual({
    ...before.folder,
    [`user:${users.ben}`]: 'Admin',
    'role:Editor': 'View',
    ...Object.fromEntries(added.map((id) => [`user:${id}`, 'View'])),
  });
  expect(grantsOn('datasources', 'warehouse-uid')).toEqual({ [`user:${users.dot}`]: 'Query', [`team:${teamId}`]: 'Query', [`user:${users.cid}`]: 'Edit', 'role:Viewer': 'Query' });

  const resources = await workspace.stateResources();
  expect(resources.get('biaccess_grafana_dashboard_permission.sales_user')).toMatchObject({ id: `sales/user/${users.ann}`, dashboard_uid: 'sales', user_id: String(users.ann), team_id: null, role: null });
  expect(resources.get('biaccess_grafana_folder_permission.team_folder_editors')).toMatchObject({ id: 'team-folder/role/Editor' });
  expect(resources.get('biaccess_grafana_data_source_permission.warehouse_team')).toMatchObject({ id: `warehouse-uid/team/${teamId}`, permission: 'Query' });
});

test('no changes on a second plan: grants inherited from the folder are not drift; 30 grants refresh with one list call', async () => {
  // ann holds Admin on the folder (inherited by "sales") besides her own View on the dashboard.
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.stdout).toContain('No changes');
  emulator.clearRequestLog();
  await workspace.terraform(['plan', '-refresh-only']);
  expect(emulator.countRequests({ method: 'GET', path: '/api/access-control/dashboards/wide' })).toBe(1);
  expect(emulator.countRequests({ method: 'GET' })).toBeLessThan(16);
});

test('a permission change is made in place', async () => {
  const next = { ...desired, salesUser: 'Edit', folderUser: 'View', sourceTeam: 'Admin' };
  workspace.write('main.tf', configuration(next));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 0 to add, 3 to change, 0 to destroy');
  expect(plan.stdout).toMatch(/permission\s+= "View" -> "Edit"/);
  await apply(next);
  expect(grantsOn('dashboards', 'sales')[`user:${users.ann}`]).toBe('Edit');
  expect(grantsOn('folders', 'team-folder')[`user:${users.ben}`]).toBe('View');
  expect(grantsOn('datasources', 'warehouse-uid')[`team:${teamId}`]).toBe('Admin');
});

test('grants changed or removed by hand show in plan -refresh-only and are restored', async () => {
  await setGrant('dashboards', 'sales', `teams/${teamId}`, 'Admin');
  await setGrant('folders', 'team-folder', `users/${users.ben}`, '');
  await setGrant('datasources', 'warehouse-uid', 'builtInRoles/Viewer', '');
  await setGrant('dashboards', 'wide', `users/${wideUserIds[5]}`, '');
  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  expect(refresh.stdout).toContain('Objects have changed outside of Terraform');
  expect(refresh.stdout).toMatch(/permission\s+= "Edit" -> "Admin"/);
  expect(refresh.stdout).toContain('biaccess_grafana_folder_permission.team_folder_user has been deleted');
  expect(refresh.stdout).toContain('biaccess_grafana_data_source_permission.warehouse_viewers has been deleted');
  expect(refresh.stdout).toContain(`biaccess_grafana_dashboard_permission.wide["${wideUserIds[5]}"] has been deleted`);
  const result = await apply(desired);
  expect(result.stdout).toContain('Resources: 3 added, 1 changed, 0 destroyed');
  expect(grantsOn('dashboards', 'sales')[`team:${teamId}`]).toBe('Edit');
  expect(grantsOn('folders', 'team-folder')[`user:${users.ben}`]).toBe('View');
  expect(grantsOn('datasources', 'warehouse-uid')['role:Viewer']).toBe('Query');
  expect(grantsOn('dashboards', 'wide')[`user:${wideUserIds[5]}`]).toBe('View');
});

test('a dashboard deleted outside Terraform drops its grant from state; made again, the grant is recreated', async () => {
  await admin.ok('DELETE', '/api/dashboards/uid/root-dash');
  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  expect(refresh.stdout).toContain('biaccess_grafana_dashboard_permission.root_viewers has been deleted');
  // Applying now would fail with a clear error; a new dashboard with that uid takes the grant again.
  const failed = await apply(desired).catch((error: Error) => error.message);
  expect(failed).toContain('Grafana has no dashboard with uid "root-dash"');
  expect(failed).toContain('dashboard_uid');
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'root-dash', title: 'Root again' } });
  await apply(desired);
  expect(grantsOn('dashboards', 'root-dash')['role:Viewer']).toBe('Edit');
});

test('hand-made grants are imported by dashboard_uid/user/ID, folder_uid/team/ID and data_source_uid/role/NAME', async () => {
  await setGrant('dashboards', 'root-dash', `users/${users.eve}`, 'View');
  await setGrant('folders', 'team-folder', `teams/${teamId}`, 'Edit');
  await setGrant('datasources', 'warehouse-uid', 'builtInRoles/Editor', 'Query');
  const imported = `
resource "biaccess_grafana_dashboard_permission" "eve" {
  dashboard_uid = "root-dash"
  user_id       = ${users.eve}
  permission    = "View"
}

resource "biaccess_grafana_folder_permission" "analysts" {
  folder_uid = "team-folder"
  team_id    = ${teamId}
  permission = "Edit"
}

resource "biaccess_grafana_data_source_permission" "editors" {
  data_source_uid = "warehouse-uid"
  role            = "Editor"
  permission      = "Query"
}

import {
  to = biaccess_grafana_folder_permission.analysts
  id = "team-folder/team/${teamId}"
}

import {
  to = biaccess_grafana_data_source_permission.editors
  id = "warehouse-uid/role/Editor"
}
`;
  workspace.write('main.tf', configuration({ ...desired, extra: imported }));
  const cli = await workspace.terraform(['import', 'biaccess_grafana_dashboard_permission.eve', `root-dash/user/${users.eve}`]);
  expect(cli.stdout).toContain('Import successful');
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 2 to import, 0 to add, 0 to change, 0 to destroy');
  await apply({ ...desired, extra: imported });
  expect((await workspace.stateResources()).get('biaccess_grafana_folder_permission.analysts')).toMatchObject({ id: `team-folder/team/${teamId}`, permission: 'Edit' });
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).stdout).toContain('No changes');
});

test('destroy removes exactly the managed grants; hand-made, default and inherited grants stay', async () => {
  await workspace.terraform(['destroy', '-auto-approve']);
  const wide = grantsOn('dashboards', 'wide');
  expect(Object.keys(wide).some((key) => wideUserIds.some((id) => key === `user:${id}`))).toBe(false);
  expect(wide[`user:${users.eve}`]).toBe('Admin');
  expect(wide['user:1']).toBe('Admin');
  expect(Object.keys(wide).filter((key) => key.startsWith('user:') && bystanderIds.includes(Number(key.slice(5)))).length).toBeGreaterThan(3);
  expect(grantsOn('dashboards', 'sales')).toEqual({ 'user:1': 'Admin', [`user:${users.dot}`]: 'Edit' });
  const folder = grantsOn('folders', 'team-folder');
  expect(folder[`user:${users.ann}`]).toBe('Admin');
  expect(folder[`user:${users.ben}`]).toBeUndefined();
  expect(folder['role:Editor']).toBeUndefined();
  expect(grantsOn('datasources', 'warehouse-uid')).toEqual({ [`user:${users.dot}`]: 'Query' });
  expect((await workspace.stateResources()).size).toBe(0);
});
