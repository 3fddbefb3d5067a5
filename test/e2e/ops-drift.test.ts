// `bi-access drift` against the Redash and Grafana emulators with the real Terraform: a clean
// configuration reports nothing (exit 0); changes made by hand are reported in their class
// (deleted, changed, added; exit 2) while neither the state nor the vendors change; an ignore
// file hides what it matches and counts it; a stack directory is found by name; and the command
// works as a user runs it, the bi-access executable in a directory where the provider was installed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/bi-access';
import type { DriftReport } from '../../src/ops/drift';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';
import { providerBlock, run, terraformEnvironment, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const redashEmulator = new RedashEmulator();
const grafanaEmulator = new GrafanaEmulator();
let workspace: TerraformWorkspace;
let grafana: GrafanaApi;
let env: NodeJS.ProcessEnv;
const ids = { ann: 0, bob: 0, carol: 0 };

async function redash(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(redashEmulator.url + path, {
    method,
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs the command as the CLI does, in this test's environment; stdout, stderr and the exit code. */
async function bi(args: string[], cwd = workspace.dir): Promise<{ code: number; out: string; err: string }> {
  const output = { out: '', err: '' };
  const code = await main(args, { stdout: (text) => void (output.out += text), stderr: (text) => void (output.err += text) }, { env, cwd });
  return { code, ...output };
}

async function drift(args: string[] = []): Promise<{ code: number; report: DriftReport; err: string }> {
  const { code, out, err } = await bi(['drift', '--json', ...args]);
  return { code, report: JSON.parse(out), err };
}

/** What both vendors hold and the state file's bytes: a drift check must change none of them. */
function everything(): unknown {
  return { redash: redashEmulator.snapshotState(), grafana: grafanaEmulator.snapshotState(), state: readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8') };
}

beforeAll(async () => {
  await Promise.all([redashEmulator.start(), grafanaEmulator.start()]);
  grafana = grafanaApi(grafanaEmulator.url, grafanaEmulator.adminAuth);
  for (const name of ['ann', 'bob', 'carol'] as const) {
    ids[name] = (await grafana.ok('POST', '/api/admin/users', { login: name, email: `${name}@example.com`, password: 'password1' })).id;
  }
  await grafana.ok('POST', '/api/folders', { uid: 'ops', title: 'Ops' });
  await grafana.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'kpis', title: 'KPIs' }, folderUid: 'ops' });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  env = { ...workspace.env, ...redashEmulator.connectionEnvironment(), ...grafanaEmulator.connectionEnvironment() };
  workspace.write(
    'main.tf',
    providerBlock(
      `  redash {\n    url     = "${redashEmulator.url}"\n    api_key = "${REDASH_ADMIN_API_KEY}"\n  }\n  grafana {\n    url  = "${grafanaEmulator.url}"\n    auth = "${grafanaEmulator.adminAuth}"\n  }`,
    ) +
      `
resource "biaccess_redash_user" "ann" {
  name  = "Ann"
  email = "ann@example.com"
}

resource "biaccess_redash_group" "analysts" {
  name = "analysts"
}

resource "biaccess_redash_group_member" "ann" {
  group_id = biaccess_redash_group.analysts.id
  user_id  = biaccess_redash_user.ann.id
}

resource "biaccess_redash_data_source" "warehouse" {
  name    = "warehouse"
  type    = "pg"
  options = { dbname = "dw", password = "s3cret-warehouse" }
}

resource "biaccess_redash_data_source_access" "analysts" {
  group_id       = biaccess_redash_group.analysts.id
  data_source_id = biaccess_redash_data_source.warehouse.id
  view_only      = true
}

resource "biaccess_grafana_team" "analysts" {
  name = "Analysts"
}

resource "biaccess_grafana_team_member" "ann" {
  team_id = biaccess_grafana_team.analysts.id
  user_id = "${ids.ann}"
}

# Grafana gave the dashboard's creator Admin on it: declared, as a team would after adopting.
resource "biaccess_grafana_dashboard_permission" "creator" {
  dashboard_uid = "kpis"
  user_id       = "1"
  permission    = "Admin"
}

resource "biaccess_grafana_dashboard_permission" "analysts" {
  dashboard_uid = "kpis"
  team_id       = biaccess_grafana_team.analysts.id
  permission    = "View"
}
`,
  );
  await workspace.terraform(['init']);
  await workspace.terraform(['apply', '-auto-approve']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all([redashEmulator.stop(), grafanaEmulator.stop()]);
});

test('right after apply there is no drift: exit 0, and what the vendors made themselves is not reported', async () => {
  // Present and undeclared, but not drift: Redash's full-access link of `default` to the new data
  // source, and the grants the Ops folder passes to the dashboard.
  const dataSource = await redash('GET', '/api/data_sources/1');
  expect(dataSource.groups['2']).toBe(false);
  const inherited = (await grafana.ok('GET', '/api/access-control/dashboards/kpis')) as Array<{ isInherited: boolean }>;
  expect(inherited.some((entry) => entry.isInherited)).toBe(true);
  const { code, report } = await drift();
  expect({ code, report }).toEqual({ code: 0, report: { drift: [], ignored: 0 } });
  const table = await bi(['drift']);
  expect({ code: table.code, out: table.out }).toEqual({ code: 0, out: 'No drift.\n0 drifted, 0 ignored\n' });
});

describe('after changes by hand', () => {
  beforeAll(async () => {
    const redashGroup = (await redash('GET', '/api/groups')).find((group: { name: string }) => group.name === 'analysts');
    const [redashAnn] = (await redash('GET', '/api/users?q=ann@example.com')).results;
    // deleted: Ann taken out of the Redash group; changed: the link made full access.
    await redash('DELETE', `/api/groups/${redashGroup.id}/members/${redashAnn.id}`);
    await redash('POST', `/api/groups/${redashGroup.id}/data_sources/1`, { view_only: false });
    // changed: the team's grant raised to Edit; added: Bob in the team, Carol given the dashboard.
    await grafana.ok('POST', '/api/access-control/dashboards/kpis/teams/1', { permission: 'Edit' });
    await grafana.ok('POST', '/api/teams/1/members', { userId: ids.bob });
    await grafana.ok('POST', `/api/access-control/dashboards/kpis/users/${ids.carol}`, { permission: 'View' });
  });

  test('each is reported in its class, with exit 2, and nothing changes in the state or at the vendors', async () => {
    const before = everything();
    const { code, report } = await drift();
    expect(everything()).toEqual(before);
    expect(code).toBe(2);
    expect(report.ignored).toBe(0);
    expect(report.drift.map(({ address, vendor, class: kind, changes }) => ({ address, vendor, class: kind, changes }))).toEqual([
      { address: 'biaccess_redash_group_member.ann', vendor: 'redash', class: 'deleted', changes: [] },
      { address: 'biaccess_grafana_dashboard_permission.analysts', vendor: 'grafana', class: 'changed', changes: [{ attribute: 'permission', stored: 'View', live: 'Edit' }] },
      { address: 'biaccess_redash_data_source_access.analysts', vendor: 'redash', class: 'changed', changes: [{ attribute: 'view_only', stored: true, live: false }] },
      { address: 'biaccess_grafana_team.analysts/member/bob@example.com', vendor: 'grafana', class: 'added', changes: [{ attribute: 'member', stored: null, live: 'bob@example.com' }] },
      { address: 'grafana/dashboard/kpis/user/carol@example.com', vendor: 'grafana', class: 'added', changes: [{ attribute: 'level', stored: null, live: 'view' }] },
    ]);
    // An added item names the person and the group or object.
    expect(report.drift[3]).toMatchObject({ person: { email: 'bob@example.com' }, group: { name: 'Analysts' } });
    expect(report.drift[4]).toMatchObject({ person: { email: 'carol@example.com' }, object: { kind: 'dashboard', id: 'kpis', name: 'KPIs' }, level: 'view' });
  });

  test('the text table has one row per item and the counts', async () => {
    const { code, out } = await bi(['drift']);
    expect(code).toBe(2);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLASS +ADDRESS +VENDOR +CHANGE$/);
    expect(lines).toHaveLength(7);
    expect(lines.find((line) => line.startsWith('changed  biaccess_grafana_dashboard_permission.analysts'))).toMatch(/permission: "View" → "Edit"$/);
    expect(lines.find((line) => line.includes('bob@example.com'))).toMatch(/^added +biaccess_grafana_team\.analysts\/member\/bob@example\.com +grafana +bob@example\.com added to Analysts$/);
    expect(lines[6]).toBe('5 drifted, 0 ignored');
  });

  test('an ignore file hides what it matches and counts it; when all is ignored the exit code is 0', async () => {
    const some = join(workspace.dir, 'some.ignore');
    writeFileSync(some, '# accepted for now\ngrafana/dashboard/kpis/* # Carol reviews KPIs until March\nbiaccess_redash_group_member.ann\n');
    const partly = await drift(['--ignore', some]);
    expect({ code: partly.code, ignored: partly.report.ignored, addresses: partly.report.drift.map((item) => item.address) }).toEqual({
      code: 2,
      ignored: 2,
      addresses: ['biaccess_grafana_dashboard_permission.analysts', 'biaccess_redash_data_source_access.analysts', 'biaccess_grafana_team.analysts/member/bob@example.com'],
    });

    const all = join(workspace.dir, 'all.ignore');
    writeFileSync(all, 'biaccess_*   # everything declared here\ngrafana/*\n');
    expect(await drift(['--ignore', all]).then(({ code, report }) => ({ code, report }))).toEqual({ code: 0, report: { drift: [], ignored: 5 } });
  });

  test('--stack NAME reads the synthesized stack cdktf.out/stacks/NAME of the project it runs in', async () => {
    const project = mkdtempSync(join(tmpdir(), 'biaccess-project-'));
    try {
      mkdirSync(join(project, 'cdktf.out', 'stacks'), { recursive: true });
      symlinkSync(workspace.dir, join(project, 'cdktf.out', 'stacks', 'access'));
      const { code, out } = await bi(['drift', '--json', '--stack', 'access'], project);
      expect({ code, count: JSON.parse(out).drift.length }).toEqual({ code: 2, count: 5 });
      const missing = await bi(['drift', '--stack', 'nope'], project);
      expect({ code: missing.code, out: missing.out }).toEqual({ code: 1, out: '' });
      expect(missing.err).toContain('no synthesized stack "nope"');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test('errors exit 1: a missing ignore file, a vendor without its environment variables', async () => {
    const missing = await bi(['drift', '--ignore', 'no-such-file']);
    expect({ code: missing.code, out: missing.out }).toEqual({ code: 1, out: '' });
    expect(missing.err).toContain('cannot read the ignore file no-such-file');
    const output = { out: '', err: '' };
    const code = await main(['drift'], { stdout: (text) => void (output.out += text), stderr: (text) => void (output.err += text) }, { env: workspace.env, cwd: workspace.dir });
    expect({ code, out: output.out }).toEqual({ code: 1, out: '' });
    expect(output.err).toMatch(/REDASH_URL|GRAFANA_URL/);
  });
});

test('as a user runs it: the bi-access executable in a directory where `bi-access install --dir` put the provider', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'biaccess-user-'));
  try {
    const userEnv = { ...terraformEnvironment(dir), ...redashEmulator.connectionEnvironment() };
    const cli = (args: string[]) => run(join(PACKAGE_ROOT, 'bin', 'bi-access'), args, { cwd: dir, env: userEnv });
    expect((await cli(['install', '--dir', '.'])).code).toBe(0);
    writeFileSync(join(dir, 'main.tf'), `${providerBlock('')}\nresource "biaccess_redash_group" "ops" {\n  name = "ops"\n}\n`);
    expect(await run('terraform', ['init', '-no-color'], { cwd: dir, env: userEnv })).toMatchObject({ code: 0 });
    expect(await run('terraform', ['apply', '-no-color', '-auto-approve'], { cwd: dir, env: userEnv })).toMatchObject({ code: 0 });
    const group = (await redash('GET', '/api/groups')).find((candidate: { name: string }) => candidate.name === 'ops');
    const [admin] = (await redash('GET', '/api/users?q=admin')).results;
    await redash('POST', `/api/groups/${group.id}/members`, { user_id: admin.id });

    const result = await cli(['drift', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      drift: [expect.objectContaining({ address: `biaccess_redash_group.ops/member/${admin.email}`, vendor: 'redash', class: 'added' })],
      ignored: 0,
    });
    expect(result.stderr).toContain('terraform plan -refresh-only');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
