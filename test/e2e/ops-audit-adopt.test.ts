// `bi-access audit` and `bi-access adopt` against the emulators with the real Terraform. Audit:
// access reaching people by several paths at once (a Grafana team's grant on a folder, the org
// roles' default grants there, both inherited by a dashboard; Redash's `default` group) matches
// what the emulators hold, one entry per path, `managed` from a state. Adopt: the import blocks
// and generated configuration of what exists, then a plan with no change.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/bi-access';
import type { AuditEntry } from '../../src/ops/audit';
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { grafanaApi, type GrafanaApi } from '../support/grafana-api';
import { providerBlock, run, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const redashEmulator = new RedashEmulator();
const grafanaEmulator = new GrafanaEmulator();
let workspace: TerraformWorkspace;
let grafana: GrafanaApi;
let env: NodeJS.ProcessEnv;
const scratch = mkdtempSync(join(tmpdir(), 'biaccess-adopt-'));

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

async function bi(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = { out: '', err: '' };
  const code = await main(args, { stdout: (text) => void (output.out += text), stderr: (text) => void (output.err += text) }, { env, cwd: workspace.dir });
  return { code, ...output };
}

async function auditJson(args: string[]): Promise<AuditEntry[]> {
  const { code, out, err } = await bi(['audit', '--format', 'json', ...args]);
  expect({ code, err: err.includes('access paths') }).toEqual({ code: 0, err: true });
  return JSON.parse(out);
}

const path = (entry: AuditEntry) => ({ email: entry.person.email, level: entry.level, via: entry.via, managed: entry.managed });

beforeAll(async () => {
  await Promise.all([redashEmulator.start(), grafanaEmulator.start()]);
  grafana = grafanaApi(grafanaEmulator.url, grafanaEmulator.adminAuth);
  // Grafana: Ann is a Viewer (the default org role), Bob an Editor; the Ops folder, at the root,
  // gets Grafana's defaults (Viewer: View, Editor: Edit, its creator: Admin); KPIs sits in it.
  const ann = await grafana.ok('POST', '/api/admin/users', { login: 'ann', email: 'ann@example.com', password: 'password1' });
  const bob = await grafana.ok('POST', '/api/admin/users', { login: 'bob', email: 'bob@example.com', password: 'password1' });
  await grafana.ok('PATCH', `/api/org/users/${bob.id}`, { role: 'Editor' });
  await grafana.ok('POST', '/api/folders', { uid: 'ops', title: 'Ops' });
  await grafana.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'kpis', title: 'KPIs' }, folderUid: 'ops' });
  // Redash: a data source Redash links to `default` with full access; Ann also reads it as an analyst.
  await redash('POST', '/api/users?no_invite', { name: 'Ann', email: 'ann@example.com' });
  await redash('POST', '/api/data_sources', { name: 'warehouse', type: 'pg', options: { dbname: 'dw' } });

  workspace = await TerraformWorkspace.create({ inProcess: true });
  const vendorEnvironment = { ...redashEmulator.connectionEnvironment(), ...grafanaEmulator.connectionEnvironment() };
  env = { ...workspace.env, ...vendorEnvironment };
  // The configuration adopt generates leaves the settings to the environment: the in-process
  // provider reads this process's, as the executable reads the one Terraform passes on.
  Object.assign(process.env, vendorEnvironment);
  // The Analysts team and Ann's membership are declared, and the team's View on the Ops folder.
  workspace.write(
    'main.tf',
    providerBlock(`  grafana {\n    url  = "${grafanaEmulator.url}"\n    auth = "${grafanaEmulator.adminAuth}"\n  }`) +
      `
resource "biaccess_grafana_team" "analysts" {
  name = "Analysts"
}

resource "biaccess_grafana_team_member" "ann" {
  team_id = biaccess_grafana_team.analysts.id
  user_id = "${ann.id}"
}

resource "biaccess_grafana_folder_permission" "analysts" {
  folder_uid = "ops"
  team_id    = biaccess_grafana_team.analysts.id
  permission = "View"
}
`,
  );
  await workspace.terraform(['init']);
  await workspace.terraform(['apply', '-auto-approve']);
});

afterAll(async () => {
  for (const name of Object.keys({ ...redashEmulator.connectionEnvironment(), ...grafanaEmulator.connectionEnvironment() })) delete process.env[name];
  await workspace?.remove();
  rmSync(scratch, { recursive: true, force: true });
  await Promise.all([redashEmulator.stop(), grafanaEmulator.stop()]);
});

describe('audit', () => {
  test('a dashboard in a folder: each path to each person, through the team and the org roles, inherited from the folder', async () => {
    const entries = await auditJson(['--vendor', 'grafana', '--object', 'dashboard:kpis', '--state', workspace.dir]);
    expect(entries.every((entry) => entry.vendor === 'grafana' && entry.object.kind === 'dashboard' && entry.object.id === 'kpis' && entry.object.name === 'KPIs')).toBe(true);
    const people = (email: string) => entries.filter((entry) => entry.person.email === email).map(path);
    // Ann: through the declared team (managed) and as a Viewer (Grafana's default, declared nowhere).
    expect(people('ann@example.com')).toEqual([
      { email: 'ann@example.com', level: 'view', via: ['folder:ops', 'role:Viewer'], managed: false },
      { email: 'ann@example.com', level: 'view', via: ['folder:ops', 'team:Analysts'], managed: true },
    ]);
    // Bob: as an Editor, and as a Viewer too (an Editor holds what is granted to Viewers).
    expect(people('bob@example.com')).toEqual([
      { email: 'bob@example.com', level: 'edit', via: ['folder:ops', 'role:Editor'], managed: false },
      { email: 'bob@example.com', level: 'view', via: ['folder:ops', 'role:Viewer'], managed: false },
    ]);
    // The folder's creator: Admin on it, passed to the dashboard, and on the dashboard it made.
    expect(people('admin@localhost')).toEqual(
      expect.arrayContaining([
        { email: 'admin@localhost', level: 'admin', via: ['direct'], managed: false },
        { email: 'admin@localhost', level: 'admin', via: ['folder:ops', 'direct'], managed: false },
      ]),
    );
  });

  test("Redash's default group reaches every user; --person narrows to one", async () => {
    const entries = await auditJson(['--vendor', 'redash']);
    const users = (await redash('GET', '/api/users')).results as Array<{ email: string }>;
    expect(users.length).toBe(2);
    expect(entries.map((entry) => ({ object: entry.object.name, ...path(entry) }))).toEqual(
      users.map((user) => ({ object: 'warehouse', email: user.email, level: 'query', via: ['group:default'], managed: false })).sort((a, b) => a.email.localeCompare(b.email)),
    );
    const ann = await auditJson(['--vendor', 'redash', '--person', 'ANN@example.com']);
    expect(ann.map((entry) => entry.person.email)).toEqual(['ann@example.com']);
  });

  test('csv has a header row and one row per path; html is one self-contained page', async () => {
    const csv = await bi(['audit', '--vendor', 'redash', '--format', 'csv']);
    const lines = csv.out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('vendor,object_kind,object_id,object_name,email,level,via,managed');
    expect(lines.slice(1).sort()).toEqual(['redash,data_source,1,warehouse,admin@example.com,query,group:default,false', 'redash,data_source,1,warehouse,ann@example.com,query,group:default,false']);
    const html = await bi(['audit', '--format', 'html']);
    expect(html.out).toMatch(/^<!DOCTYPE html>/);
    expect(html.out).not.toMatch(/(src|href)=/);
    expect(html.out).toContain('<td>ann@example.com</td>');
  });
});

describe('adopt', () => {
  async function adoptAndPlan(vendor: string, out: string): Promise<{ imports: string; generated: string; stdout: string }> {
    const adopted = await bi(['adopt', '--vendor', vendor, '--out', out]);
    if (adopted.code !== 0) throw new Error(adopted.err);
    expect({ code: adopted.code, err: adopted.err.match(/^bi-access adopt: (?!not adopted|\w+: reading|terraform)/m) }).toEqual({ code: 0, err: null });
    expect(adopted.out).toMatch(/Plan: \d+ to import, 0 to add, 0 to change, 0 to destroy\./);
    const terraform = (args: string[]) => run('terraform', [args[0], '-no-color', ...args.slice(1)], { cwd: out, env });
    expect(await terraform(['apply', '-auto-approve'])).toMatchObject({ code: 0 });
    // Once the imports are applied, the generated configuration matches what exists exactly.
    const plan = await terraform(['plan', '-detailed-exitcode']);
    expect({ code: plan.code, stdout: plan.stdout.match(/No changes\./)?.[0] }).toEqual({ code: 0, stdout: 'No changes.' });
    return { imports: readFileSync(join(out, `imports-${vendor}.tf`), 'utf8'), generated: readFileSync(join(out, `generated-${vendor}.tf`), 'utf8'), stdout: adopted.out };
  }

  test('Grafana: org members, the team, its member and the grants, then a plan with no change', async () => {
    const out = join(scratch, 'grafana', 'new');
    const { imports, generated, stdout } = await adoptAndPlan('grafana', out);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['providers.tf', 'imports-grafana.tf', 'generated-grafana.tf']));
    expect(stdout).toMatch(/^Adopted 3 users, 1 group, 1 membership, \d+ grants of grafana/);
    expect(imports).toContain('to = biaccess_grafana_team.analysts\n  id = "1"');
    expect(imports).toMatch(/to = biaccess_grafana_team_member\.analysts_ann_example_com\n  id = "1\/2"/);
    expect(imports).toContain('to = biaccess_grafana_folder_permission.ops_analysts\n  id = "ops/team/1"');
    expect(imports).toContain('to = biaccess_grafana_folder_permission.ops_role_viewer\n  id = "ops/role/Viewer"');
    expect(imports).toContain('to = biaccess_grafana_org_member.bob_example_com\n  id = "1/3"');
    expect(generated).toMatch(/resource "biaccess_grafana_org_member" "bob_example_com" \{[^}]*role += "Editor"/);
  });

  test('Redash: users, the built-in admin group membership and the default link, then a plan with no change; --only filters', async () => {
    const { imports } = await adoptAndPlan('redash', join(scratch, 'redash'));
    expect(imports).toContain('to = biaccess_redash_user.ann_example_com');
    expect(imports).toContain('to = biaccess_redash_group_member.admin_admin_example_com\n  id = "1/1"');
    expect(imports).toContain('to = biaccess_redash_data_source_access.warehouse_default\n  id = "2/1"');
    // Membership of `default` is Redash's rule, not a declaration.
    expect(imports).not.toMatch(/to = biaccess_redash_group_member\.default_/);

    const only = join(scratch, 'redash-users');
    const users = await bi(['adopt', '--vendor', 'redash', '--out', only, '--only', 'user']);
    expect(users.out).toMatch(/^Adopted 2 users of redash/);
    expect(readFileSync(join(only, 'imports-redash.tf'), 'utf8').match(/^import \{/gm)).toHaveLength(2);
    const wrong = await bi(['adopt', '--vendor', 'redash', '--out', only, '--only', 'dashboards']);
    expect({ code: wrong.code, err: wrong.err }).toEqual({ code: 1, err: 'bi-access adopt: --only takes one of user, group, membership, grant; got "dashboards"\n' });
  });
});
