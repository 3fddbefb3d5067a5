// Grafana under failure and misuse: with 20% of calls failing (500 or 429) and some responses
// lost after the write happened, apply converges with nothing lost or duplicated; bad input is
// refused with the attribute and the allowed values, at plan time where Terraform allows it.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new GrafanaEmulator({ enterprise: true });
let workspace: TerraformWorkspace;
let admin: GrafanaApi;
let url: string;
const memberIds: number[] = [];
let bystanderId: number;

const grafanaBlock = (auth = emulator.adminAuth) => `  grafana {\n    url  = "${url}"\n    auth = "${auth}"\n  }`;

function busyConfiguration(): string {
  return (
    providerBlock(grafanaBlock()) +
    `
resource "biaccess_grafana_user" "managed" {
  for_each = toset(["u1", "u2", "u3", "u4"])
  email    = "\${each.key}@example.com"
  login    = each.key
  password = "password-\${each.key}"
}

resource "biaccess_grafana_org_member" "managed" {
  for_each = biaccess_grafana_user.managed
  user_id  = each.value.id
  role     = "Editor"
}

resource "biaccess_grafana_team" "busy" {
  name = "Busy"
}

resource "biaccess_grafana_team_member" "managed" {
  for_each = biaccess_grafana_user.managed
  team_id  = biaccess_grafana_team.busy.id
  user_id  = each.value.id
  admin    = each.key == "u1"
}

resource "biaccess_grafana_team_member" "existing" {
  for_each = { for id in [${memberIds.join(', ')}] : tostring(id) => id }
  team_id  = biaccess_grafana_team.busy.id
  user_id  = each.value
}

resource "biaccess_grafana_dashboard_permission" "existing" {
  for_each      = { for id in [${memberIds.join(', ')}] : tostring(id) => id }
  dashboard_uid = "busy-dash"
  user_id       = each.value
  permission    = "Edit"
}

resource "biaccess_grafana_dashboard_permission" "team" {
  dashboard_uid = "busy-dash"
  team_id       = biaccess_grafana_team.busy.id
  permission    = "View"
}

resource "biaccess_grafana_data_source_permission" "team" {
  data_source_uid = "busy-ds"
  team_id         = biaccess_grafana_team.busy.id
  permission      = "Query"
}
`
  );
}

beforeAll(async () => {
  url = await emulator.start();
  admin = grafanaApi(url, emulator.adminAuth);
  for (let i = 1; i <= 10; i++) memberIds.push((await admin.ok('POST', '/api/admin/users', { login: `existing${i}`, email: `existing${i}@example.com`, password: 'password1' })).id);
  bystanderId = (await admin.ok('POST', '/api/admin/users', { login: 'bystander', email: 'bystander@example.com', password: 'password1' })).id;
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'busy-dash', title: 'Busy' } });
  await admin.ok('POST', '/api/datasources', { name: 'busy', type: 'loki', uid: 'busy-ds' });
  await admin.ok('POST', `/api/access-control/dashboards/busy-dash/users/${bystanderId}`, { permission: 'Admin' });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', busyConfiguration());
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

/**
 * Applies until Terraform succeeds (at most three times). A run may give up on one object after
 * the retry budget; what matters is that the next run picks up exactly where it left off.
 */
async function applyUntilConverged(args: string[]): Promise<void> {
  for (let run = 1; ; run++) {
    const result = await workspace.terraform(args, { allowFailure: true });
    if (result.code === 0) return;
    // Only injected faults may stop a run.
    expect(result.stderr).toMatch(/returned (500|429)/);
    if (run === 3) throw new Error(`terraform ${args.join(' ')} did not converge:\n${result.stdout}\n${result.stderr}`);
  }
}

describe('with 20% of calls failing', () => {
  beforeAll(() => {
    emulator.setFaults({ failureRate: 0.2, failureStatuses: [500, 429], retryAfterSeconds: 1, seed: 20260 });
    // And some writes that happen but whose answer is lost: the classic duplicate maker.
    emulator.loseResponses(2, { method: 'POST', path: /^\/api\/admin\/users$/ });
    emulator.loseResponses(1, { method: 'POST', path: /^\/api\/teams$/ });
    emulator.loseResponses(2, { method: 'POST', path: /^\/api\/teams\/\d+\/members$/ });
    emulator.loseResponses(2, { method: 'POST', path: /^\/api\/access-control\// });
  });
  afterAll(() => emulator.clearFaults());

  test('apply converges with nothing lost or duplicated', async () => {
    await applyUntilConverged(['apply', '-auto-approve']);
    expect(emulator.countRequests({ faulted: true })).toBeGreaterThan(10);
    const state = emulator.snapshotState();
    for (const login of ['u1', 'u2', 'u3', 'u4']) expect(emulator.usersMatching(login)).toHaveLength(1);
    const busy = state.teams.filter((team) => team.name === 'Busy');
    expect(busy).toHaveLength(1);
    const managedIds = ['u1', 'u2', 'u3', 'u4'].map((login) => emulator.usersMatching(login)[0].id);
    const members = emulator.teamMembersOf(busy[0].id);
    expect(members.map((member) => member.userId).sort((a, b) => a - b)).toEqual([...managedIds, ...memberIds].sort((a, b) => a - b));
    expect(members.find((member) => member.userId === managedIds[0])?.permission).toBe(4);
    for (const id of managedIds) expect(state.orgUsers.filter((m) => m.userId === id && m.orgId === 1)).toEqual([{ orgId: 1, userId: id, role: 'Editor' }]);
    const grants = emulator.permissionsOf('dashboards', 'busy-dash');
    expect(grants.filter((p) => p.userId !== undefined && memberIds.includes(p.userId)).map((p) => p.permission)).toEqual(memberIds.map(() => 'Edit'));
    expect(grants.find((p) => p.userId === bystanderId)?.permission).toBe('Admin');
    expect(grants.find((p) => p.teamId === busy[0].id)?.permission).toBe('View');
    expect(emulator.permissionsOf('datasources', 'busy-ds')).toEqual([expect.objectContaining({ teamId: busy[0].id, permission: 'Query' })]);
    // State matches Grafana: a plan (still under faults) finds nothing to do.
    const plan = await workspace.terraform(['plan', '-detailed-exitcode'], { allowFailure: true });
    expect(plan.stdout + plan.stderr).toContain('No changes');
  });

  test('destroy converges too and removes exactly the managed objects', async () => {
    await applyUntilConverged(['destroy', '-auto-approve']);
    expect((await workspace.stateResources()).size).toBe(0);
    const state = emulator.snapshotState();
    expect(state.users.map((user) => user.login).filter((login) => /^u\d$/.test(login))).toEqual([]);
    expect(state.teams).toEqual([]);
    expect(emulator.permissionsOf('dashboards', 'busy-dash').map((p) => p.userId ?? p.builtInRole)).toEqual([1, 'Editor', 'Viewer', bystanderId]);
    expect(emulator.permissionsOf('datasources', 'busy-ds')).toEqual([]);
    expect(emulator.usersMatching('existing1')).toHaveLength(1);
  });
});

/** Terraform wraps long diagnostics: compare messages with their whitespace collapsed. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('bad input', () => {
  async function plan(resources: string, block = grafanaBlock()) {
    workspace.write('main.tf', providerBlock(block) + resources);
    const result = await workspace.terraform(['plan'], { allowFailure: true });
    return { ...result, output: flat(result.stdout + result.stderr) };
  }

  test('every attribute problem is reported at plan time, naming the attribute and the allowed values', async () => {
    const result = await plan(`
resource "biaccess_grafana_dashboard_permission" "two_assignees" {
  dashboard_uid = "busy-dash"
  user_id       = 2
  team_id       = 3
  permission    = "View"
}

resource "biaccess_grafana_folder_permission" "no_assignee" {
  folder_uid = "f"
  permission = "View"
}

resource "biaccess_grafana_dashboard_permission" "bad_level" {
  dashboard_uid = "busy-dash"
  role          = "Viewer"
  permission    = "Write"
}

resource "biaccess_grafana_dashboard_permission" "bad_role" {
  dashboard_uid = "busy-dash"
  role          = "Admin"
  permission    = "View"
}

resource "biaccess_grafana_data_source_permission" "dashboard_level" {
  data_source_uid = "busy-ds"
  user_id         = 0
  permission      = "View"
}

resource "biaccess_grafana_org_member" "bad_role" {
  user_id = 2
  role    = "Owner"
}

resource "biaccess_grafana_user" "short_password" {
  email    = "x@example.com"
  password = "abc"
}
`);
    expect(result.code).not.toBe(0);
    const { output } = result;
    expect(output).toContain('Exactly one of "user_id", "team_id", "role" must be set; "user_id", "team_id" are all set.');
    expect(result.stdout + result.stderr).toMatch(/in resource "biaccess_grafana_dashboard_permission" "two_assignees":\s*\n\s*\d+:\s+team_id\s+= 3/);
    expect(output).toContain('Exactly one of "user_id", "team_id", "role" must be set; none is set.');
    expect(output).toContain('got "Write": "permission" must be one of "View", "Edit", "Admin".');
    expect(output).toContain('got "Admin": "role" must be one of "Viewer", "Editor".');
    expect(output).toContain('got "View": "permission" must be one of "Query", "Edit", "Admin".');
    expect(output).toContain('got "0": "user_id" must be a numeric Grafana id such as "42".');
    expect(output).toContain('got "Owner": "role" must be one of "None", "Viewer", "Editor", "Admin".');
    expect(output).toContain('got 3 characters: "password" must be at least 4 characters long.');
    // (Terraform quotes the configuration line itself; the provider's message never repeats the value.)
    expect(output).not.toContain('got "abc"');
  });

  test('a service-account token on a server-admin resource fails at plan, naming grafana.auth, with nothing created', async () => {
    const token = emulator.createServiceAccountToken('Admin');
    const team = `
resource "biaccess_grafana_team" "t" {
  name = "Made with a token"
}
`;
    const resources = `
resource "biaccess_grafana_user" "u" {
  email    = "token-made@example.com"
  password = "never-shown-password"
}
${team}`;
    workspace.write('main.tf', providerBlock(grafanaBlock(token)) + resources);
    const result = await workspace.terraform(['apply', '-auto-approve'], { allowFailure: true });
    const output = flat(result.stdout + result.stderr);
    expect(result.code).not.toBe(0);
    expect(output).toContain('Planning biaccess_grafana_user failed');
    expect(output).toContain('needs Grafana server-admin rights: set grafana.auth (or GRAFANA_AUTH) to "user:password" of a Grafana server admin');
    expect(output).not.toContain(token);
    expect(output).not.toContain('never-shown-password');
    expect(emulator.usersMatching('token-made@example.com')).toEqual([]);
    // The plan failed before anything was applied: the team was not made either.
    expect([...(await workspace.stateResources()).keys()]).toEqual([]);
    expect(emulator.snapshotState().teams).toEqual([]);
    // A team works with an org-Admin token.
    workspace.write('main.tf', providerBlock(grafanaBlock(token)) + team);
    await workspace.terraform(['apply', '-auto-approve']);
    expect([...(await workspace.stateResources()).keys()]).toEqual(['biaccess_grafana_team.t']);
    await workspace.terraform(['destroy', '-auto-approve']);
    expect(emulator.snapshotState().teams).toEqual([]);
  });

  test('malformed import IDs are refused with the expected forms', async () => {
    workspace.write(
      'main.tf',
      providerBlock(grafanaBlock()) +
        `
resource "biaccess_grafana_dashboard_permission" "p" {
  dashboard_uid = "busy-dash"
  user_id       = 2
  permission    = "View"
}

resource "biaccess_grafana_team_member" "m" {
  team_id = 1
  user_id = 2
}

resource "biaccess_grafana_user" "u" {
  email    = "nobody@example.com"
  password = "password1"
}
`,
    );
    const attempts: Array<[string, string, string]> = [
      ['biaccess_grafana_dashboard_permission.p', 'busy-dash/group/2', 'The middle part must be "user", "team" or "role". Expected one of "dashboard_uid/user/USER_ID | dashboard_uid/team/TEAM_ID | dashboard_uid/role/ROLE"'],
      ['biaccess_grafana_dashboard_permission.p', 'busy-dash/role/Owner', 'The role must be one of "Viewer", "Editor".'],
      ['biaccess_grafana_team_member.m', '1-2', 'Expected an import ID of the form "team_id/user_id" with numeric Grafana ids (e.g. "3/42"), got "1-2".'],
      ['biaccess_grafana_user.u', 'nobody-at-all', 'No Grafana user has the id, login or email "nobody-at-all".'],
    ];
    for (const [address, id, expected] of attempts) {
      const result = await workspace.terraform(['import', address, id], { allowFailure: true });
      expect(result.code).not.toBe(0);
      expect(flat(result.stdout + result.stderr)).toContain(expected);
    }
  });
});
