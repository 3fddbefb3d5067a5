// AccessPolicy with the real Terraform against the four emulators: one policy giving every level
// the mapping offers, synthesized by cdktf and applied; what lands in each tool, read back through
// the access adapters, is what the table says; a refresh changes nothing; removing a member and a
// grant from the policy removes exactly that access; an unsupported level fails `cdktf synth`.
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { AccessPolicy, BiAccessProvider, type PolicyLevel } from '../../lib';
import type { AccessAdapter, ObjectKind } from '../../src/access/model';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { connect } from '../../src/ops/vendors';
import { findVendor } from '../../src/vendors';
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { grafanaApi } from '../support/grafana-api';
import { run, terraformEnvironment, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const emulators = { redash: new RedashEmulator(), grafana: new GrafanaEmulator({ enterprise: true }), sisense: new SisenseEmulator(), periscope: new PeriscopeEmulator() };
let workspace: TerraformWorkspace;
/** Objects made in the tools before any access is declared, by the name the test gives them. */
const ids: Record<string, string> = {};
const outdirs: string[] = [];

interface Version {
  eliInAnalysts: boolean;
  analystsViewKpis: boolean;
}

/** The policy: every cell of the mapping table, given to a team or, where the tool allows, a person. */
function synthesize(version: Version): void {
  const outdir = mkdtempSync(join(tmpdir(), 'bi-access-policy-app-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'access');
  new LocalBackend(stack, { path: join(workspace.dir, 'terraform.tfstate') });
  const { redash, grafana, sisense, periscope } = emulators;
  new BiAccessProvider(stack, 'biaccess', {
    redash: { url: redash.url, apiKey: REDASH_ADMIN_API_KEY },
    grafana: { url: grafana.url, auth: grafana.adminAuth },
    sisense: { url: sisense.url, token: SISENSE_ADMIN_TOKEN },
    periscope: { url: periscope.url, site: periscope.site, apiKey: periscope.apiKey, adminEmail: PERISCOPE_ADMIN_EMAIL },
  });
  const access = new AccessPolicy(stack, 'access', { people: 'create', passwords: { 'ana@example.com': 'ana-password-1', 'eli@example.com': 'eli-password-1', 'omar@example.com': 'omar-password-1' } });
  const ana = access.person('ana@example.com', { name: 'Ana Analyst' });
  const eli = access.person('eli@example.com', { name: 'Eli Engineer' });
  const omar = access.person('omar@example.com', { name: 'Omar Owner' });
  const analysts = access.team('Analysts', { members: version.eliInAnalysts ? [ana, eli] : [ana] });
  const editors = access.team('Editors', { members: [omar, eli] });

  analysts.grant(access.redash.dataSource(ids['redash ds view']), 'view');
  editors.grant(access.redash.dataSource(ids['redash ds query']), 'query');
  analysts.grant(access.redash.dashboard(ids['redash dashboard']), 'edit');
  if (version.analystsViewKpis) analysts.grant(access.grafana.dashboard('d-view'), 'view');
  editors.grant(access.grafana.dashboard('d-edit'), 'edit');
  ana.grant(access.grafana.dashboard('d-admin'), 'admin');
  analysts.grant(access.grafana.folder('f-view'), 'view');
  ana.grant(access.grafana.folder('f-edit'), 'edit');
  editors.grant(access.grafana.folder('f-admin'), 'admin');
  analysts.grant(access.grafana.dataSource('s-query'), 'query');
  editors.grant(access.grafana.dataSource('s-edit'), 'edit');
  omar.grant(access.grafana.dataSource('s-admin'), 'admin');
  analysts.grant(access.sisense.dashboard(ids['sisense dashboard view'], { dataModel: ids['sisense model of dashboard'] }), 'view');
  omar.grant(access.sisense.dashboard(ids['sisense dashboard edit']), 'edit');
  editors.grant(access.sisense.dashboard(ids['sisense dashboard admin']), 'admin');
  analysts.grant(access.sisense.dataModel(ids['sisense model read']), 'view');
  ana.grant(access.sisense.dataModel(ids['sisense model use']), 'query');
  editors.grant(access.sisense.dataModel(ids['sisense model edit']), 'edit');
  analysts.grant(access.periscope.dashboard(ids['periscope view']), 'view');
  editors.grant(access.periscope.dashboard(ids['periscope edit']), 'edit');
  app.synth();
  workspace.write('cdk.tf.json', readFileSync(join(outdir, 'stacks', 'access', 'cdk.tf.json'), 'utf8'));
}

/** A new adapter on a new client: clients share reads within themselves, and Terraform wrote since. */
function adapterOf(name: keyof typeof emulators): AccessAdapter {
  return connect(findVendor(name)!, { env: emulators[name].connectionEnvironment(), cwd: process.cwd(), progress: () => {} }).access;
}

/** The grants on an object as `<team or email>: <level>`, for the principals this test declares. */
async function grantsOn(vendor: keyof typeof emulators, kind: ObjectKind, id: string): Promise<string[]> {
  const adapter = adapterOf(vendor);
  const names = new Map<string, string>();
  for (const user of await adapter.listPrincipals('user')) names.set(`user:${user.id}`, user.email ?? user.name);
  for (const group of await adapter.listPrincipals('group')) names.set(`group:${group.id}`, group.name);
  const ours = /^(Analysts|Editors|\w+@example\.com)$/;
  return ((await adapter.listGrants({ kind, id })) ?? [])
    .filter((grant) => !grant.inheritedFrom)
    .map((grant) => `${names.get(`${grant.principal.kind}:${grant.principal.id}`) ?? grant.principal.id}: ${grant.level}`)
    .filter((line) => ours.test(line.split(':')[0]))
    .sort();
}

async function membersOf(vendor: keyof typeof emulators, team: string): Promise<string[]> {
  const adapter = adapterOf(vendor);
  const group = await adapter.findPrincipal('group', { name: team });
  if (!group) return [];
  const users = new Map((await adapter.listPrincipals('user')).map((user) => [user.id, user.email]));
  return ((await adapter.listMembers(group)) ?? []).map((membership) => users.get(membership.member.id) ?? membership.member.id).filter((email) => email?.endsWith('@example.com')).sort() as string[];
}

async function seed(): Promise<void> {
  const { redash, grafana, sisense, periscope } = emulators;
  const redashCall = async (path: string, body: unknown) =>
    ((await (await fetch(redash.url + path, { method: 'POST', headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: number }).id;
  ids['redash ds view'] = String(await redashCall('/api/data_sources', { name: 'warehouse', type: 'pg', options: { dbname: 'w' } }));
  ids['redash ds query'] = String(await redashCall('/api/data_sources', { name: 'events', type: 'pg', options: { dbname: 'e' } }));
  ids['redash dashboard'] = String(await redashCall('/api/dashboards', { name: 'KPIs' }));
  const admin = grafanaApi(grafana.url, grafana.adminAuth);
  for (const uid of ['f-view', 'f-edit', 'f-admin']) await admin.ok('POST', '/api/folders', { uid, title: uid });
  for (const uid of ['d-view', 'd-edit', 'd-admin']) await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid, title: uid } });
  for (const uid of ['s-query', 's-edit', 's-admin']) await admin.ok('POST', '/api/datasources', { uid, name: uid, type: 'postgres' });
  const modelOfDashboard = sisense.addDataModel('Sales');
  ids['sisense model of dashboard'] = modelOfDashboard.oid;
  ids['sisense dashboard view'] = sisense.addDashboard('Sales', { dataModel: modelOfDashboard }).oid;
  ids['sisense dashboard edit'] = sisense.addDashboard('Costs').oid;
  ids['sisense dashboard admin'] = sisense.addDashboard('Margins').oid;
  for (const [name, type] of [['read', 'extract'], ['use', 'live'], ['edit', 'extract']] as const) ids[`sisense model ${name}`] = sisense.addDataModel(`Model ${name}`, type).oid;
  for (const name of ['view', 'edit']) {
    const response = await fetch(`${periscope.url}/api/v1/dashboards?test_mode=false`, {
      method: 'POST',
      headers: { 'HTTP-X-PARTNER-AUTH': `${periscope.site}:${periscope.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Periscope ${name}` }),
    });
    ids[`periscope ${name}`] = String(((await response.json()) as { dashboard: { id: number } }).dashboard.id);
  }
}

beforeAll(async () => {
  await Promise.all(Object.values(emulators).map((emulator) => emulator.start()));
  await seed();
  workspace = await TerraformWorkspace.create({ inProcess: true });
  synthesize({ eliInAnalysts: true, analystsViewKpis: true });
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all(Object.values(emulators).map((emulator) => emulator.stop()));
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

test('a policy over all four tools deploys, and every level lands as the mapping table says', async () => {
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
  const level = (who: string, what: PolicyLevel) => `${who}: ${what}`;
  // Redash: view_only access for view, full for query; a dashboard share per member for edit.
  expect(await grantsOn('redash', 'data_source', ids['redash ds view'])).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('redash', 'data_source', ids['redash ds query'])).toEqual([level('Editors', 'query')]);
  expect(await grantsOn('redash', 'dashboard', ids['redash dashboard'])).toEqual([level('ana@example.com', 'edit'), level('eli@example.com', 'edit')]);
  // Grafana: View, Edit, Admin on dashboards and folders; Query, Edit, Admin on data sources.
  expect(await grantsOn('grafana', 'dashboard', 'd-view')).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('grafana', 'dashboard', 'd-edit')).toEqual([level('Editors', 'edit')]);
  expect(await grantsOn('grafana', 'dashboard', 'd-admin')).toEqual([level('ana@example.com', 'admin')]);
  expect(await grantsOn('grafana', 'folder', 'f-view')).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('grafana', 'folder', 'f-edit')).toEqual([level('ana@example.com', 'edit')]);
  expect(await grantsOn('grafana', 'folder', 'f-admin')).toEqual([level('Editors', 'admin')]);
  expect(await grantsOn('grafana', 'data_source', 's-query')).toEqual([level('Analysts', 'query')]);
  expect(await grantsOn('grafana', 'data_source', 's-edit')).toEqual([level('Editors', 'edit')]);
  expect(await grantsOn('grafana', 'data_source', 's-admin')).toEqual([level('omar@example.com', 'admin')]);
  // Sisense: rules view, edit, co-owner; model permissions read, use, edit; the dashboard's model shared with use.
  expect(await grantsOn('sisense', 'dashboard', ids['sisense dashboard view'])).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('sisense', 'dashboard', ids['sisense dashboard edit'])).toEqual([level('omar@example.com', 'edit')]);
  expect(await grantsOn('sisense', 'dashboard', ids['sisense dashboard admin'])).toEqual([level('Editors', 'admin')]);
  expect(await grantsOn('sisense', 'data_model', ids['sisense model of dashboard'])).toEqual([level('Analysts', 'query')]);
  expect(await grantsOn('sisense', 'data_model', ids['sisense model read'])).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('sisense', 'data_model', ids['sisense model use'])).toEqual([level('ana@example.com', 'query')]);
  expect(await grantsOn('sisense', 'data_model', ids['sisense model edit'])).toEqual([level('Editors', 'edit')]);
  // Periscope: read_dashboards for view, the editing set for edit.
  expect(await grantsOn('periscope', 'dashboard', ids['periscope view'])).toEqual([level('Analysts', 'view')]);
  expect(await grantsOn('periscope', 'dashboard', ids['periscope edit'])).toEqual([level('Editors', 'edit')]);
  const entryOf = (role: string) => emulators.periscope.snapshotState().roles.find((candidate) => candidate.name === role)!.permissions[0].permissions;
  expect([...entryOf('Analysts')].sort()).toEqual(['read_dashboards']);
  expect([...entryOf('Editors')].sort()).toEqual(['create_discovery_charts', 'create_sql_charts', 'edit_dashboard_settings', 'read_dashboards']);
  // Teams exist, with their members, in every tool where they hold a grant.
  for (const vendor of ['redash', 'grafana', 'sisense', 'periscope'] as const) {
    expect({ vendor, members: await membersOf(vendor, 'Analysts') }).toEqual({ vendor, members: ['ana@example.com', 'eli@example.com'] });
    expect({ vendor, members: await membersOf(vendor, 'Editors') }).toEqual({ vendor, members: ['eli@example.com', 'omar@example.com'] });
  }
  expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'])).code).toBe(0);
});

test('removing a member and a grant from the policy removes exactly that access', async () => {
  const before: Record<string, string[]> = {};
  const snapshot = async () => ({
    redashDashboard: await grantsOn('redash', 'dashboard', ids['redash dashboard']),
    grafanaView: await grantsOn('grafana', 'dashboard', 'd-view'),
    grafanaFolder: await grantsOn('grafana', 'folder', 'f-view'),
    sisenseModel: await grantsOn('sisense', 'data_model', ids['sisense model edit']),
    periscope: await grantsOn('periscope', 'dashboard', ids['periscope edit']),
  });
  Object.assign(before, await snapshot());
  synthesize({ eliInAnalysts: false, analystsViewKpis: false });
  const plan = await workspace.terraform(['plan']);
  // Eli's four memberships of Analysts, Eli's Redash share (Redash dashboards are shared per member) and the Grafana grant.
  expect(plan.stdout).toContain('Plan: 0 to add, 0 to change, 6 to destroy');
  await workspace.terraform(['apply', '-auto-approve']);
  for (const vendor of ['redash', 'grafana', 'sisense', 'periscope'] as const) {
    expect({ vendor, members: await membersOf(vendor, 'Analysts') }).toEqual({ vendor, members: ['ana@example.com'] });
    expect({ vendor, members: await membersOf(vendor, 'Editors') }).toEqual({ vendor, members: ['eli@example.com', 'omar@example.com'] });
  }
  const after = await snapshot();
  expect(after.redashDashboard).toEqual(['ana@example.com: edit']);
  expect(after.grafanaView).toEqual([]);
  expect(after.grafanaFolder).toEqual(before.grafanaFolder);
  expect(after.sisenseModel).toEqual(before.sisenseModel);
  expect(after.periscope).toEqual(before.periscope);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'])).code).toBe(0);
});

test('an unsupported level fails `cdktf synth` with the vendor, object, level and allowed levels, and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bi-access-policy-cli-'));
  outdirs.push(dir);
  writeFileSync(
    join(dir, 'app.js'),
    `const { App, TerraformStack } = require(${JSON.stringify(join(PACKAGE_ROOT, 'node_modules', 'cdktf'))});
const { AccessPolicy, BiAccessProvider } = require(${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'lib'))});
const app = new App();
const stack = new TerraformStack(app, 'access');
new BiAccessProvider(stack, 'biaccess');
const access = new AccessPolicy(stack, 'access');
access.team('Analysts', { members: [access.person('ana@example.com')] }).grant(access.grafana.dataSource('warehouse'), 'view');
app.synth();
`,
  );
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node app.js', terraformProviders: [], sendCrashReports: false }));
  const env = { ...terraformEnvironment(dir, { DISABLE_VERSION_CHECK: 'true', CHECKPOINT_DISABLE: '1' }), HOME: dir };
  const result = await run(join(PACKAGE_ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: dir, env });
  const output = stripVTControlCharacters(result.stdout + result.stderr).replace(/\s+/g, ' ');
  expect(result.code).not.toBe(0);
  expect(output).toContain('Grafana data source warehouse (grafana data_source): level "view" for team:Analysts is not offered (Query is the lowest Grafana data source permission). Allowed levels: "query", "edit", "admin".');
  expect(existsSync(join(dir, 'cdktf.out', 'stacks', 'access', 'cdk.tf.json'))).toBe(false);
  expect(existsSync(join(dir, 'cdktf.out', 'stacks', 'access', 'access-matrix.json'))).toBe(false);
});
