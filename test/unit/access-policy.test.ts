// AccessPolicy at synth, without Terraform: what it declares in each vendor for each level of the
// mapping, merging, people created or looked up, the errors and warnings it gives (and that nothing
// is written on an error), deterministic output, stable ids, and the access matrix.
import { App, TerraformStack } from 'cdktf';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { AccessPolicy, BiAccessProvider, mappingTable, OBJECT_MAPPINGS, redash, type AccessPolicyProps, type MatrixEntry } from '../../lib';

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

interface Synthesized {
  /** cdk.tf.json, parsed. */
  json: any;
  text: string;
  matrix: MatrixEntry[];
  matrixText: string;
  warnings: string[];
  dir: string;
}

/** Synthesizes a stack holding a provider and a policy that `declare` fills in. */
function synth(declare: (access: AccessPolicy, stack: TerraformStack) => void, props: AccessPolicyProps = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'bi-access-policy-'));
  temporaryDirs.push(outdir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'access');
  new BiAccessProvider(stack, 'biaccess');
  const access = new AccessPolicy(stack, 'access', props);
  declare(access, stack);
  app.synth();
  const dir = join(outdir, 'stacks', 'access');
  const text = readFileSync(join(dir, 'cdk.tf.json'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const warnings = (manifest.stacks.access.annotations as Array<{ level: string; message: string }>).filter((note) => note.level === '@cdktf/warn').map((note) => note.message);
  const matrixText = readFileSync(join(dir, 'access-matrix.json'), 'utf8');
  return { json: JSON.parse(text), text, matrix: JSON.parse(matrixText), matrixText, warnings, dir };
}

/** The resources of one type, as their configurations. */
function resources(out: Synthesized, type: string): any[] {
  return Object.values(out.json.resource?.[type] ?? {});
}

function dataSources(out: Synthesized, type: string): any[] {
  return Object.values(out.json.data?.[type] ?? {});
}

/** Every grant of the mapping's table, each level it offers, given to one team (or to a person where teams are not required). */
function everyMappedLevel(access: AccessPolicy): void {
  const ana = access.person('ana@example.com', { name: 'Ana Analyst' });
  const analysts = access.team('Analysts', { members: [ana, access.person('eli@example.com', { name: 'Eli Engineer' })] });
  analysts.grant(access.redash.dataSource(1), 'view');
  access.team('Readers', { members: [ana] }).grant(access.redash.dataSource(2), 'query');
  ana.grant(access.redash.dashboard(3), 'edit');
  analysts.grant(access.grafana.dashboard('kpis'), 'view');
  analysts.grant(access.grafana.folder('ops'), 'edit');
  ana.grant(access.grafana.folder('finance'), 'admin');
  analysts.grant(access.grafana.dataSource('warehouse'), 'query');
  analysts.grant(access.sisense.dashboard('5b3293ab0800930a10dd0d3b', { dataModel: 'sales-model' }), 'view');
  ana.grant(access.sisense.dashboard('5b3293ab0800930a10dd0d3c'), 'admin');
  analysts.grant(access.sisense.dataModel('live-model'), 'edit');
  analysts.grant(access.periscope.dashboard('184'), 'view');
  access.team('Editors', { members: [ana] }).grant(access.periscope.dashboard('185'), 'edit');
}

test('every mapped level lands as the table says, in the vendors where a grant needs it', () => {
  const out = synth(everyMappedLevel);
  const byTeamName = (type: string, name: string) => resources(out, type).find((resource) => resource.name === name);

  // Redash: groups for the teams with Redash grants, view_only by level, a share per person.
  expect(resources(out, 'biaccess_redash_group').map((group) => group.name).sort()).toEqual(['Analysts', 'Readers']);
  expect(resources(out, 'biaccess_redash_data_source_access').map((entry) => [entry.data_source_id, entry.view_only]).sort()).toEqual([
    ['1', true],
    ['2', false],
  ]);
  expect(resources(out, 'biaccess_redash_dashboard_share')).toEqual([expect.objectContaining({ dashboard_id: '3' })]);
  // Grafana: Query/Edit/Admin/View permissions on the three object kinds.
  expect(resources(out, 'biaccess_grafana_dashboard_permission')).toEqual([expect.objectContaining({ dashboard_uid: 'kpis', permission: 'View', team_id: expect.stringContaining('biaccess_grafana_team') })]);
  expect(resources(out, 'biaccess_grafana_folder_permission').map((entry) => [entry.folder_uid, entry.permission, entry.team_id ? 'team' : 'user']).sort()).toEqual([
    ['finance', 'Admin', 'user'],
    ['ops', 'Edit', 'team'],
  ]);
  expect(resources(out, 'biaccess_grafana_data_source_permission')).toEqual([expect.objectContaining({ data_source_uid: 'warehouse', permission: 'Query' })]);
  // Sisense: share rules, the dashboard's data model shared with `use`, model permissions.
  expect(resources(out, 'biaccess_sisense_dashboard_share').map((entry) => [entry.dashboard_id, entry.rule, entry.group_id ? 'group' : 'user']).sort()).toEqual([
    ['5b3293ab0800930a10dd0d3b', 'view', 'group'],
    ['5b3293ab0800930a10dd0d3c', 'co-owner', 'user'],
  ]);
  expect(resources(out, 'biaccess_sisense_data_model_share').map((entry) => [entry.data_model_id, entry.permission]).sort()).toEqual([
    ['live-model', 'edit'],
    ['sales-model', 'use'],
  ]);
  // Periscope: roles with their dashboard permission sets.
  expect(resources(out, 'biaccess_periscope_role').map((role) => role.name).sort()).toEqual(['Analysts', 'Editors']);
  expect(resources(out, 'biaccess_periscope_dashboard_permission').map((entry) => [entry.dashboard_id, entry.permissions]).sort()).toEqual([
    ['184', ['read_dashboards']],
    ['185', ['read_dashboards', 'edit_dashboard_settings', 'create_sql_charts', 'create_discovery_charts']],
  ]);
  // People are looked up by default, once per vendor that needs them, and put in their teams.
  expect(dataSources(out, 'biaccess_redash_user').map((user) => user.email).sort()).toEqual(['ana@example.com', 'eli@example.com']);
  expect(dataSources(out, 'biaccess_periscope_user').map((user) => user.email).sort()).toEqual(['ana@example.com', 'eli@example.com']);
  expect(resources(out, 'biaccess_redash_group_member')).toHaveLength(3); // Analysts: Ana, Eli; Readers: Ana
  expect(resources(out, 'biaccess_grafana_team_member')).toHaveLength(2);
  expect(byTeamName('biaccess_grafana_team', 'Analysts')).toBeDefined();
  expect(byTeamName('biaccess_grafana_team', 'Readers')).toBeUndefined(); // no Grafana grant
  // One provider: the stack's own.
  expect(Object.keys(out.json.provider)).toEqual(['biaccess']);
  expect(out.json.provider.biaccess).toHaveLength(1);
  // The mapping table documents exactly these rows, and the README shows it as generated.
  expect(mappingTable().split('\n')).toHaveLength(OBJECT_MAPPINGS.length + 2);
  expect(readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')).toContain(mappingTable());
});

test('the output is deterministic: no count or for_each, and a second synth is byte-identical', () => {
  const first = synth(everyMappedLevel);
  const second = synth(everyMappedLevel);
  expect(second.text).toBe(first.text);
  expect(second.matrixText).toBe(first.matrixText);
  expect(first.text).not.toMatch(/"count"|"for_each"/);
});

test('adding a person, a team or a grant renames no other resource', () => {
  const before = synth(everyMappedLevel);
  const after = synth((access) => {
    access.person('zed@example.com', { name: 'Zed' }).grant(access.grafana.dashboard('kpis'), 'edit');
    access.team('Auditors', { members: [access.person('aaron@example.com')] }).grant(access.redash.dataSource(1), 'view');
    everyMappedLevel(access);
  });
  const addresses = (out: Synthesized) => Object.entries(out.json.resource).flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`));
  const kept = addresses(after);
  for (const address of addresses(before)) expect(kept).toContain(address);
});

test('the access matrix has one entry per principal, vendor, object and level, with the resources that implement it', () => {
  const out = synth(everyMappedLevel);
  expect(existsSync(join(out.dir, 'access-matrix.md'))).toBe(true);
  const entry = (principal: string, kind: string, id: string) => out.matrix.find((candidate) => candidate.principal === principal && candidate.object.kind === kind && candidate.object.id === id);
  expect(entry('team:Analysts', 'data_source', 'warehouse')).toEqual({
    principal: 'team:Analysts',
    vendor: 'grafana',
    object: { kind: 'data_source', id: 'warehouse' },
    level: 'query',
    resources: [expect.stringMatching(/^biaccess_grafana_data_source_permission\./)],
  });
  // The data model a Sisense dashboard queries is its own entry.
  expect(entry('team:Analysts', 'data_model', 'sales-model')).toMatchObject({ vendor: 'sisense', level: 'query' });
  expect(out.matrix).toHaveLength(13); // 12 declared grants and the data model the Sisense dashboard queries
  // Every resource named in the matrix exists in the stack.
  for (const address of out.matrix.flatMap((candidate) => candidate.resources)) {
    const [type, name] = address.split('.');
    expect(out.json.resource[type][name]).toBeDefined();
  }
  const sorted = [...out.matrix].sort((a, b) => JSON.stringify([a.principal, a.vendor, a.object.kind, a.object.id]).localeCompare(JSON.stringify([b.principal, b.vendor, b.object.kind, b.object.id])));
  expect(out.matrix.map((candidate) => candidate.principal)).toEqual(sorted.map((candidate) => candidate.principal));
  expect(readFileSync(join(out.dir, 'access-matrix.md'), 'utf8')).toContain('| team:Analysts | grafana | data_source `warehouse` | query |');
});

test('duplicate declarations merge, the strongest level winning; a person declared twice is one person', () => {
  const out = synth((access) => {
    const team = access.team('Analysts', { members: [access.person('ana@example.com'), access.person('ANA@example.com')] });
    team.grant(access.grafana.folder('ops'), 'view');
    team.grant(access.grafana.folder('ops'), 'admin');
    team.grant(access.grafana.folder('ops'), 'edit');
  });
  expect(resources(out, 'biaccess_grafana_folder_permission')).toEqual([expect.objectContaining({ folder_uid: 'ops', permission: 'Admin' })]);
  expect(resources(out, 'biaccess_grafana_team_member')).toHaveLength(1);
  expect(out.matrix).toEqual([expect.objectContaining({ principal: 'team:Analysts', level: 'admin' })]);
});

test('ids may be tokens from other resources', () => {
  const out = synth((access, stack) => {
    const warehouse = new redash.DataSource(stack, 'warehouse', { name: 'Warehouse', type: 'pg', options: {} });
    access.team('Analysts', { members: [access.person('ana@example.com')] }).grant(access.redash.dataSource(warehouse.id), 'query');
  });
  expect(resources(out, 'biaccess_redash_data_source_access')).toEqual([expect.objectContaining({ data_source_id: '${biaccess_redash_data_source.warehouse.id}', view_only: false })]);
  expect(out.matrix[0].object).toEqual({ kind: 'data_source', id: '${biaccess_redash_data_source.warehouse.id}' });
});

test("people: 'create' declares users with names and Grafana passwords, only in the vendors that need them", () => {
  const out = synth(
    (access) => {
      const ana = access.person('ana@example.com', { name: 'Ana Maria Analyst' });
      access.team('Analysts', { members: [ana] }).grant(access.grafana.folder('ops'), 'view');
      ana.grant(access.sisense.dataModel('m'), 'view');
    },
    { people: 'create', passwords: { 'Ana@Example.com': 'initial-password' } },
  );
  expect(resources(out, 'biaccess_grafana_user')).toEqual([expect.objectContaining({ email: 'ana@example.com', name: 'Ana Maria Analyst', password_wo: 'initial-password', password_wo_version: '1' })]);
  expect(resources(out, 'biaccess_grafana_user')[0].password).toBeUndefined();
  expect(resources(out, 'biaccess_sisense_user')).toEqual([expect.objectContaining({ email: 'ana@example.com', first_name: 'Ana', last_name: 'Maria Analyst' })]);
  expect(resources(out, 'biaccess_redash_user')).toEqual([]);
  expect(out.json.data).toBeUndefined();
});

function synthError(declare: (access: AccessPolicy) => void, props: AccessPolicyProps = {}): { message: string; written: boolean } {
  const outdir = mkdtempSync(join(tmpdir(), 'bi-access-policy-'));
  temporaryDirs.push(outdir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'access');
  new BiAccessProvider(stack, 'biaccess');
  declare(new AccessPolicy(stack, 'access', props));
  try {
    app.synth();
  } catch (error) {
    const dir = join(outdir, 'stacks', 'access');
    return { message: (error as Error).message, written: existsSync(join(dir, 'cdk.tf.json')) || existsSync(join(dir, 'access-matrix.json')) };
  }
  throw new Error('synth succeeded');
}

test('unsupported levels fail at synth naming the vendor, the object, the level and the allowed levels; nothing is written', () => {
  const { message, written } = synthError((access) => {
    const team = access.team('Analysts', { members: [access.person('ana@example.com')] });
    team.grant(access.grafana.dataSource('warehouse'), 'view');
    team.grant(access.redash.dashboard(3), 'view');
    team.grant(access.periscope.dashboard('184'), 'admin');
    team.grant(access.sisense.dataModel('m'), 'admin');
    team.grant(access.redash.dataSource(1), 'edit');
    access.person('ana@example.com').grant(access.periscope.dashboard('184'), 'view');
  });
  expect(written).toBe(false);
  expect(message).toContain('6 grants are not possible');
  expect(message).toContain('Grafana data source warehouse (grafana data_source): level "view" for team:Analysts is not offered (Query is the lowest Grafana data source permission). Allowed levels: "query", "edit", "admin".');
  expect(message).toContain('Redash dashboard 3 (redash dashboard): level "view" for team:Analysts is not offered (Redash has no view permission on dashboards: anyone with access to its data sources sees it). Allowed levels: "edit".');
  expect(message).toContain('Periscope dashboard 184 (periscope dashboard): level "admin" for team:Analysts is not offered. Allowed levels: "view", "edit".');
  expect(message).toContain('Sisense data model m (sisense data_model): level "admin" for team:Analysts is not offered. Allowed levels: "view", "query", "edit".');
  expect(message).toContain('Redash data source 1 (redash data_source): level "edit" for team:Analysts is not offered. Allowed levels: "view", "query".');
  expect(message).toContain('Periscope dashboard 184 (periscope dashboard): level "view" for person:ana@example.com: Periscope gives dashboards to roles only. Grant it to a team the person is a member of.');
});

test("people: 'create' without a name or a Grafana password fails at synth naming the vendor, passwords and the email", () => {
  const { message, written } = synthError(
    (access) => {
      access.team('Ops', { members: [access.person('ops@example.com', { name: 'Olga Ops' }), access.person('noname@example.com')] }).grant(access.grafana.folder('ops'), 'view');
    },
    { people: 'create' },
  );
  expect(written).toBe(false);
  expect(message).toContain("person noname@example.com needs a name to be created (people: 'create')");
  expect(message).toContain("person ops@example.com: Grafana needs a password to create a user; add it to the policy's passwords: { 'ops@example.com': … }.");
});

test('warnings: a team with grants and no members, and a Sisense dashboard shared without its data model', () => {
  const out = synth((access) => {
    access.team('Nobody').grant(access.grafana.folder('ops'), 'view');
    access.person('ana@example.com').grant(access.sisense.dashboard('5b3293ab0800930a10dd0d3b'), 'view');
  });
  expect(out.warnings).toEqual(
    expect.arrayContaining([
      'AccessPolicy: team "Nobody" holds grants but has no members.',
      expect.stringContaining('AccessPolicy: Sisense dashboard 5b3293ab0800930a10dd0d3b is shared with person:ana@example.com, but its data is not'),
    ]),
  );
});

test('a stack without a BiAccessProvider is an error saying to add one; the policy never adds a second', () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bi-access-policy-')) });
  temporaryDirs.push(app.outdir);
  const stack = new TerraformStack(app, 'access');
  const access = new AccessPolicy(stack, 'access');
  access.team('Analysts', { members: [access.person('ana@example.com')] }).grant(access.grafana.folder('ops'), 'view');
  expect(() => app.synth()).toThrow(/the stack has no BiAccessProvider; add one/);
});
