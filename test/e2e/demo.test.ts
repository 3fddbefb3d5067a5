// `npm start` from the README: deploys the example stack (main.ts) against the emulators, and a
// second run changes nothing. Runs the built demo with its data in a temporary folder.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { run, terraformEnvironment } from '../support/terraform';

jest.setTimeout(240_000);

let demoDir: string;
const runDemo = async () => {
  const env = { ...terraformEnvironment(demoDir), BI_ACCESS_DEMO_DIR: demoDir, HOME: demoDir };
  const result = await run(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'demo.js')], { cwd: PACKAGE_ROOT, env });
  return { code: result.code, output: stripVTControlCharacters(result.stdout + result.stderr) };
};

beforeAll(() => {
  demoDir = mkdtempSync(join(tmpdir(), 'biaccess-demo-'));
});
afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

test('the first run deploys the access policy to Redash, Grafana, Sisense and Periscope and prints it', async () => {
  const { code, output } = await runDemo();
  expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
  expect(output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
  const line = (start: string) => output.split('\n').find((candidate) => candidate.trim().startsWith(start))?.trim() ?? '';
  const listed = (start: string, separator: string) => line(start).slice(start.length).split(separator).map((part) => part.trim()).sort();
  // Redash: data source access by team (created in parallel, so order varies), the engineers' dashboard shares.
  expect(listed('data source Warehouse (pg):', ',')).toEqual(['Analysts view only', 'Engineers full access', 'default full access']);
  expect(output).toContain('user alice@example.com (Alice Analyst, invitation pending) in default, Analysts');
  expect(listed('dashboard "Warehouse KPIs" shared with', ',')).toEqual(['carol@example.com', 'dave@example.com']);
  // Grafana: the teams and their members, their folder and data source permissions.
  expect(listed('team Analysts:', ',')).toEqual(['alice@example.com', 'bob@example.com']);
  expect(listed('team Engineers:', ',')).toEqual(['carol@example.com', 'dave@example.com']);
  expect(line('folder "On-call":')).toContain('team Analysts: View');
  expect(line('folder "On-call":')).toContain('team Engineers: Edit');
  expect(output).toContain('data source warehouse: team Engineers: Query');
  // Sisense: the dashboard shared with the Analysts and republished, its data model shared too.
  expect(output).toContain('dashboard "Sales Overview" owned by dana.designer@example.com shared with group Analysts (view) (published)');
  expect(line('extract data model "Sales" shared with')).toMatch(/group Analysts \(use\)/);
  expect(line('extract data model "Sales" shared with')).toMatch(/group Engineers \(edit\)/);
  expect(output).toContain('user alice@example.com (consumer, inactive) in Analysts');
  // Periscope: a role per team with its dashboard, and the low-level grant to the default Analyst role.
  expect(output).toContain('user alice@example.com (Alice Analyst) in Everyone, Analysts');
  expect(output).toContain('role Analysts: "Warehouse KPIs": read_dashboards');
  expect(output).toContain('role Engineers: "Revenue": create_discovery_charts, create_sql_charts, edit_dashboard_settings, read_dashboards');
  expect(output).toContain('role Analyst (default): "Revenue": download_pdf, read_dashboards');
  expect(output).not.toContain('demo-only-password');
});

test("the demo's access matrix is written next to cdk.tf.json and is the one the README documents", () => {
  const matrix = JSON.parse(readFileSync(join(demoDir, 'cdktf.out', 'stacks', 'bi-access', 'access-matrix.json'), 'utf8')) as Array<{ principal: string; vendor: string; object: { kind: string; id: string }; level: string; resources: string[] }>;
  const rows = matrix.map((entry) => `| ${entry.principal} | ${entry.vendor} | ${entry.object.kind} \`${entry.object.id}\` | ${entry.level} |`);
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const documented = readme.slice(readme.indexOf('<!-- demo-access-matrix -->'), readme.indexOf('<!-- /demo-access-matrix -->')).split('\n').filter((row) => row.startsWith('| team:') || row.startsWith('| person:'));
  expect(documented).toEqual(rows);
  expect(matrix.every((entry) => entry.resources.length > 0)).toBe(true);
  expect(readFileSync(join(demoDir, 'cdktf.out', 'stacks', 'bi-access', 'access-matrix.md'), 'utf8')).not.toContain('demo-only');
});

test('a second run changes nothing', async () => {
  const { code, output } = await runDemo();
  expect(code).toBe(0);
  expect(output).toContain('No changes. Your infrastructure matches the configuration.');
  expect(output).toContain('Resources: 0 added, 0 changed, 0 destroyed');
});

test('without terraform on PATH, npm start says so in one line instead of failing inside cdktf', async () => {
  const env = { ...terraformEnvironment(demoDir), BI_ACCESS_DEMO_DIR: demoDir, HOME: demoDir, PATH: dirname(process.execPath) };
  const result = await run(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'demo.js')], { cwd: PACKAGE_ROOT, env });
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe('npm start needs Terraform >= 1.5 on PATH, and there is no terraform there: install it (https://developer.hashicorp.com/terraform/install) and run npm start again.');
});

test("the example app compiles before it synthesizes, so an edit to main.ts is never silently ignored", async () => {
  const { app } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'cdktf.json'), 'utf8')) as { app: string };
  const compiled = join(PACKAGE_ROOT, '.build-app', 'main.js');
  const before = existsSync(compiled) ? statSync(compiled).mtimeMs : 0;
  const outdir = join(demoDir, 'synth-check');
  const result = await run('sh', ['-c', app], { cwd: PACKAGE_ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir } });
  expect(result.code).toBe(0);
  expect(statSync(compiled).mtimeMs).toBeGreaterThan(before);
  expect(existsSync(join(outdir, 'stacks', 'bi-access', 'cdk.tf.json'))).toBe(true);
});
