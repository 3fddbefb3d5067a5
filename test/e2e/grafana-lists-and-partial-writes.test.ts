// Grafana under the real Terraform: grants on one object applied together share the writes of the
// legacy whole list (Grafana 8); a grant whose user has left the org is removed without error; a
// user create that fails at its second step is kept in the state, tainted, and replaced next time.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

function grafanaBlock(emulator: GrafanaEmulator): string {
  return providerBlock(`  grafana {\n    url  = "${emulator.url}"\n    auth = "${emulator.adminAuth}"\n  }`);
}

async function makeUsers(admin: GrafanaApi, prefix: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await admin.ok('POST', '/api/admin/users', { login: `${prefix}${i}`, email: `${prefix}${i}@example.com`, password: 'password1' })).id);
  return ids;
}

describe('Grafana 8: the legacy whole-list permission API', () => {
  const emulator = new GrafanaEmulator({ accessControlApi: false });
  let workspace: TerraformWorkspace;
  let admin: GrafanaApi;
  let users: number[];

  const grants = (permission: string, count = users.length) =>
    grafanaBlock(emulator) +
    users
      .slice(0, count)
      .map((id, i) => `resource "biaccess_grafana_dashboard_permission" "g${i}" {\n  dashboard_uid = "dash"\n  user_id       = ${id}\n  permission    = "${permission}"\n}\n`)
      .join('');
  const listWrites = () => emulator.countRequests({ method: 'POST', path: '/api/dashboards/uid/dash/permissions' });
  const ownGrants = () => emulator.permissionsOf('dashboards', 'dash').filter((permission) => users.includes(permission.userId ?? 0));

  beforeAll(async () => {
    await emulator.start();
    admin = grafanaApi(emulator.url, emulator.adminAuth);
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'dash', title: 'Dash' } });
    users = await makeUsers(admin, 'viewer', 20);
    workspace = await TerraformWorkspace.create({ inProcess: true });
    workspace.write('main.tf', grants('View'));
    await workspace.terraform(['init']);
  });

  afterAll(async () => {
    await workspace?.remove();
    await emulator.stop();
  });

  test('20 grants on one dashboard applied at once cost at most 3 writes of its list, and all 20 land', async () => {
    emulator.clearRequestLog();
    await workspace.terraform(['apply', '-auto-approve']);
    const created = listWrites();
    expect(ownGrants()).toHaveLength(20);
    expect(ownGrants().every((grant) => grant.permission === 'View')).toBe(true);
    expect(created).toBeLessThanOrEqual(3);

    emulator.clearRequestLog();
    workspace.write('main.tf', grants('Edit'));
    await workspace.terraform(['apply', '-auto-approve']);
    const updated = listWrites();
    expect(ownGrants().map((grant) => grant.permission)).toEqual(Array(20).fill('Edit'));
    expect(updated).toBeLessThanOrEqual(3);

    emulator.clearRequestLog();
    workspace.write('main.tf', grants('Edit', 0));
    await workspace.terraform(['apply', '-auto-approve']);
    const removed = listWrites();
    expect(ownGrants()).toEqual([]);
    expect(removed).toBeLessThanOrEqual(3);
    console.log(`Legacy permission list of one dashboard, 20 grants applied at once: ${created} writes to create, ${updated} to update, ${removed} to remove`);
  });
});

describe('Grafana with the access-control API', () => {
  const emulator = new GrafanaEmulator();
  let workspace: TerraformWorkspace;
  let admin: GrafanaApi;

  beforeAll(async () => {
    await emulator.start();
    admin = grafanaApi(emulator.url, emulator.adminAuth);
    await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'dash', title: 'Dash' } });
    workspace = await TerraformWorkspace.create({ inProcess: true });
    workspace.write('main.tf', grafanaBlock(emulator));
    await workspace.terraform(['init']);
  });

  afterAll(async () => {
    await workspace?.remove();
    await emulator.stop();
  });

  const user = `
resource "biaccess_grafana_user" "eve" {
  email    = "eve@example.com"
  password = "password1"
}
`;
  const membership = `
resource "biaccess_grafana_org_member" "eve" {
  user_id = biaccess_grafana_user.eve.id
  role    = "Viewer"
}
`;
  const grant = `
resource "biaccess_grafana_dashboard_permission" "eve" {
  dashboard_uid = "dash"
  user_id       = biaccess_grafana_user.eve.id
  permission    = "Edit"
}
`;
  // Granting to a user who is not (yet) in the org is refused: the grant waits for the membership.
  const grantAfterMembership = grant.replace('permission    = "Edit"', 'permission    = "Edit"\n  depends_on    = [biaccess_grafana_org_member.eve]');

  test('a grant whose user has left the org is removed without error (Grafana refuses to change it)', async () => {
    workspace.write('main.tf', grafanaBlock(emulator) + user + membership + grant);
    await workspace.terraform(['apply', '-auto-approve']);
    const eve = emulator.usersMatching('eve@example.com')[0];
    expect(emulator.permissionsOf('dashboards', 'dash').find((permission) => permission.userId === eve.id)?.permission).toBe('Edit');

    // The user leaves the org (their membership is no longer declared): Grafana drops their grants
    // and refuses any permission change for them from then on.
    workspace.write('main.tf', grafanaBlock(emulator) + user + grant);
    await workspace.terraform(['apply', '-auto-approve', '-refresh=false', '-target=biaccess_grafana_org_member.eve']);
    const refused = await admin.post(`/api/access-control/dashboards/dash/users/${eve.id}`, { permission: '' });
    expect(refused).toMatchObject({ status: 400, body: { message: 'failed to set user permission' } });

    // Removing the grant without a refresh first (as a destroy does when it removes the membership
    // and the grant side by side) meets that refusal, and still succeeds: nothing is left to remove.
    workspace.write('main.tf', grafanaBlock(emulator) + user);
    const apply = await workspace.terraform(['apply', '-auto-approve', '-refresh=false']);
    expect(apply.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 1 destroyed');
    expect(await workspace.stateResources()).toEqual(new Map([['biaccess_grafana_user.eve', expect.anything()]]));

    // Declared again (the grant after the membership) and destroyed in one go.
    workspace.write('main.tf', grafanaBlock(emulator) + user + membership + grantAfterMembership);
    await workspace.terraform(['apply', '-auto-approve']);
    const destroy = await workspace.terraform(['destroy', '-auto-approve']);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 3 destroyed');
    expect(emulator.usersMatching('eve@example.com')).toEqual([]);
  });

  test('a user create that fails at its second step is kept in the state, tainted, and replaced by the next apply', async () => {
    const admins = `
resource "biaccess_grafana_user" "root" {
  email    = "root@example.com"
  password = "password1"
  is_admin = true
}
`;
    workspace.write('main.tf', grafanaBlock(emulator) + admins);
    // Making the user a server admin is refused, after the user was created.
    emulator.loseResponses(1, { method: 'PUT', path: /^\/api\/admin\/users\/\d+\/permissions$/ }, 400);
    const failed = await workspace.terraform(['apply', '-auto-approve'], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect((failed.stdout + failed.stderr).replace(/\s+/g, ' ')).toContain('partly created in grafana: Terraform keeps it in the state as tainted');
    const made = emulator.usersMatching('root@example.com');
    expect(made).toHaveLength(1);
    const shown = JSON.parse((await workspace.terraform(['show', '-json'])).stdout);
    const recorded = shown.values.root_module.resources.find((resource: { address: string }) => resource.address === 'biaccess_grafana_user.root');
    expect(recorded).toMatchObject({ tainted: true, values: { id: String(made[0].id), email: 'root@example.com' } });

    const plan = await workspace.terraform(['plan']);
    expect(plan.stdout).toMatch(/biaccess_grafana_user\.root is tainted, so must be replaced/);
    await workspace.terraform(['apply', '-auto-approve']);
    const replaced = emulator.usersMatching('root@example.com');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toMatchObject({ isGrafanaAdmin: true });
    expect(replaced[0].id).not.toBe(made[0].id);
    await workspace.terraform(['destroy', '-auto-approve']);
  });
});
