// `npm start` from the README: deploys the example stack (main.ts) against the emulators, and a
// second run changes nothing. Runs the built demo with its data in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('the first run deploys the Redash, Grafana, Sisense and Periscope access and prints it', async () => {
  const { code, output } = await runDemo();
  expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
  expect(output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
  // Links are created in parallel, so their order varies.
  const warehouseLine = output.split('\n').find((line) => line.includes('data source Warehouse (pg):')) ?? '';
  expect(warehouseLine.split(': ')[1].split(', ').sort()).toEqual(['Analysts view only', 'Engineers full access', 'default full access']);
  expect(output).toContain('user alice@example.com (Alice Analyst, invitation pending) in default, Analysts');
  expect(output).toContain('dashboard "Warehouse KPIs" shared with carol@example.com');
  expect(output).toMatch(/team On-call: (erin@example.com, dave@example.com \(admin\)|dave@example.com \(admin\), erin@example.com)/);
  expect(output).toContain('data source warehouse: team On-call: Query');
  // Sisense: the dashboard is shared with the Analysts and republished, and so is its data model.
  expect(output).toContain('dashboard "Sales Overview" owned by dana.designer@example.com shared with group Analysts (view) (published)');
  expect(output).toContain('extract data model "Sales" shared with group Analysts (use)');
  expect(output).toContain('user alice@example.com (consumer, inactive) in Analysts');
  expect(output).toContain('user frank@example.com (Frank Analyst) in Everyone, Warehouse Analysts');
  expect(output).toContain('role Warehouse Analysts: "Warehouse KPIs": read_dashboards');
  expect(output).toContain('role Analyst (default): "Revenue": download_pdf, read_dashboards');
  expect(output).not.toContain('demo-only-password');
});

test('a second run changes nothing', async () => {
  const { code, output } = await runDemo();
  expect(code).toBe(0);
  expect(output).toContain('No changes. Your infrastructure matches the configuration.');
  expect(output).toContain('Resources: 0 added, 0 changed, 0 destroyed');
});
