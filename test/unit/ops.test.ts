// The pure parts of drift, audit and adopt: how a resource drift is classified and its secrets
// masked, the ignore file, the audit's formats, import IDs made from the documented formats, and
// each command's --help.
import { declaredAccessOf } from '../../src/access/resources';
import { main } from '../../src/cli/bi-access';
import { importIdFor } from '../../src/ops/adopt';
import type { AuditEntry } from '../../src/ops/audit';
import { formatAudit } from '../../src/ops/audit-format';
import { applyIgnoreRules, classifyResourceDrift, MASK, type DriftItem, type PlannedDrift } from '../../src/ops/drift';
import { matchingRule, parseIgnoreFile } from '../../src/ops/ignore';
import { resourceDefinition } from '../../src/ops/vendors';

const biaccess = 'registry.terraform.io/bi-access/biaccess';

function drifted(type: string, actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null, marks: { before?: unknown; after?: unknown } = {}): PlannedDrift {
  return { address: `${type}.x`, type, provider_name: type.startsWith('biaccess_') ? biaccess : `registry.terraform.io/hashicorp/${type}`, change: { actions, before, after, before_sensitive: marks.before, after_sensitive: marks.after } };
}

describe('drift classification', () => {
  test('an object gone outside Terraform is deleted', () => {
    expect(classifyResourceDrift(drifted('biaccess_redash_group', ['delete'], { id: '3', name: 'a' }, null))).toEqual({ address: 'biaccess_redash_group.x', vendor: 'redash', class: 'deleted', changes: [] });
  });

  test('changed lists each differing attribute, stored → live', () => {
    const item = classifyResourceDrift(drifted('biaccess_grafana_team', ['update'], { id: '1', name: 'A', email: '' }, { id: '1', name: 'B', email: 'b@x' }));
    expect(item).toEqual({ address: 'biaccess_grafana_team.x', vendor: 'grafana', class: 'changed', changes: [{ attribute: 'email', stored: '', live: 'b@x' }, { attribute: 'name', stored: 'A', live: 'B' }] });
  });

  test("secrets are masked: the schema's sensitive attributes and what Terraform marks sensitive", () => {
    const options = classifyResourceDrift(drifted('biaccess_redash_data_source', ['update'], { id: '1', options: { password: 'old-secret' } }, { id: '1', options: { password: 'new-secret' } }));
    expect(options!.changes).toEqual([{ attribute: 'options', stored: MASK, live: MASK }]);
    const marked = classifyResourceDrift(drifted('other_thing', ['update'], { token: 'a1' }, { token: 'b2' }, { after: { token: true } }));
    expect(marked).toMatchObject({ vendor: 'other_thing', changes: [{ attribute: 'token', stored: MASK, live: MASK }] });
    expect(JSON.stringify([options, marked])).not.toMatch(/secret|a1|b2/);
  });

  test('an entry whose values are equal is no drift', () => {
    expect(classifyResourceDrift(drifted('biaccess_redash_group', ['update'], { id: '3', name: 'a' }, { id: '3', name: 'a' }))).toBeUndefined();
  });
});

describe('ignore file', () => {
  const rules = parseIgnoreFile('# reviewed 2024-05\n\nbiaccess_redash_group.ops   # renamed on purpose\ngrafana/dashboard/*/user/*\n');

  test('addresses and * globs, with an optional reason; comments and blank lines skipped', () => {
    expect(rules).toEqual([
      { pattern: 'biaccess_redash_group.ops', reason: 'renamed on purpose', line: 3 },
      { pattern: 'grafana/dashboard/*/user/*', reason: undefined, line: 4 },
    ]);
  });

  test('a * matches any run of characters, everything else itself', () => {
    expect(matchingRule(rules, 'biaccess_redash_group.ops')?.line).toBe(3);
    expect(matchingRule(rules, 'biaccess_redash_group.opsx')).toBeUndefined();
    expect(matchingRule(rules, 'biaccess_redash_groupXops')).toBeUndefined();
    expect(matchingRule(rules, 'grafana/dashboard/kpis/user/ann@example.com')?.line).toBe(4);
    expect(matchingRule(rules, 'grafana/folder/ops/user/ann@example.com')).toBeUndefined();
  });

  test('ignored items are counted, never shown; the rest is ordered by class', () => {
    const item = (address: string, kind: DriftItem['class']): DriftItem => ({ address, vendor: 'grafana', class: kind, changes: [] });
    const items = [item('grafana/dashboard/kpis/user/a@x', 'added'), item('biaccess_grafana_team.b', 'changed'), item('biaccess_redash_group.ops', 'deleted'), item('biaccess_grafana_team.a', 'deleted')];
    expect(applyIgnoreRules(items, rules)).toEqual({ drift: [item('biaccess_grafana_team.a', 'deleted'), item('biaccess_grafana_team.b', 'changed')], ignored: 2 });
    expect(applyIgnoreRules(items.slice(0, 1), rules)).toEqual({ drift: [], ignored: 1 });
  });
});

test('a line that is not one address is an error naming the line', () => {
  expect(() => parseIgnoreFile('ok.one\ntwo words\n')).toThrow('line 2: expected an address or pattern');
});

describe('audit formats', () => {
  const entries: AuditEntry[] = [
    { vendor: 'grafana', object: { kind: 'dashboard', id: 'kpis', name: 'KPIs, "daily" <b>' }, person: { email: 'ann@example.com' }, level: 'view', via: ['folder:ops', 'team:Analysts'], managed: true },
    { vendor: 'redash', object: { kind: 'data_source', id: '1', name: '=HYPERLINK("x")' }, person: { email: 'bob@example.com' }, level: 'query', via: ['group:default'], managed: false },
  ];

  test('csv: a header row, quoting, and cells a spreadsheet would run kept as text', () => {
    expect(formatAudit(entries, 'csv')).toBe(
      'vendor,object_kind,object_id,object_name,email,level,via,managed\r\n' +
        'grafana,dashboard,kpis,"KPIs, ""daily"" <b>",ann@example.com,view,folder:ops > team:Analysts,true\r\n' +
        `redash,data_source,1,"'=HYPERLINK(""x"")",bob@example.com,query,group:default,false\r\n`,
    );
  });

  test('json: one document, the entries as given', () => {
    expect(JSON.parse(formatAudit(entries, 'json'))).toEqual(entries);
  });

  test('html: one page with no external resource, values escaped, sortable and filterable', () => {
    const page = formatAudit(entries, 'html');
    expect(page).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    expect(page).not.toMatch(/(src|href)=|<link/);
    expect(page).toContain('<td>KPIs, &quot;daily&quot; &lt;b&gt;</td>');
    expect(page).toContain('<input id="filter"');
    expect(page).toContain("addEventListener('click'");
  });

  test('table: aligned columns', () => {
    expect(formatAudit(entries, 'table').split('\n')[1]).toBe('grafana  dashboard:kpis (KPIs, "daily" <b>)  ann@example.com  view   folder:ops > team:Analysts  yes');
    expect(formatAudit([], 'table')).toBe('No access found.\n');
  });
});

describe('import IDs from the documented formats', () => {
  const declared = (type: string) => declaredAccessOf(resourceDefinition(type)!)!;

  test("each type's ID, or none when the type does not import that entry", () => {
    const teamGrant = { object: { kind: 'dashboard' as const, id: 'kpis' }, principal: { kind: 'group' as const, id: '7' }, level: 'view' as const };
    expect(importIdFor(declared('biaccess_grafana_dashboard_permission'), teamGrant)).toBe('kpis/team/7');
    expect(importIdFor(declared('biaccess_grafana_folder_permission'), teamGrant)).toBeUndefined();
    expect(importIdFor(declared('biaccess_grafana_dashboard_permission'), { ...teamGrant, principal: { kind: 'role', id: 'Viewer' } })).toBe('kpis/role/Viewer');
    // Org Admins always have full access: no resource grants the Admin role.
    expect(importIdFor(declared('biaccess_grafana_dashboard_permission'), { ...teamGrant, principal: { kind: 'role', id: 'Admin' } })).toBeUndefined();
    const link = { object: { kind: 'data_source' as const, id: '4' }, principal: { kind: 'group' as const, id: '2' }, level: 'query' as const };
    expect(importIdFor(declared('biaccess_redash_data_source_access'), link)).toBe('2/4');
    expect(importIdFor(declared('biaccess_redash_dashboard_share'), link)).toBeUndefined();
    const share = { object: { kind: 'dashboard' as const, id: 'a'.repeat(24) }, principal: { kind: 'user' as const, id: 'b'.repeat(24) }, level: 'view' as const };
    expect(importIdFor(declared('biaccess_sisense_dashboard_share'), share)).toBe(`${'a'.repeat(24)}/user/${'b'.repeat(24)}`);
    expect(importIdFor(declared('biaccess_periscope_dashboard_permission'), { object: { kind: 'dashboard', id: '5003' }, principal: { kind: 'group', id: '7' }, level: 'view' })).toBe('7/5003');
    expect(importIdFor(declared('biaccess_grafana_team_member'), { group: { kind: 'group', id: '3' }, member: { kind: 'user', id: '42' } })).toBe('3/42');
  });
});

describe('--help of each command', () => {
  for (const [command, mentions] of [
    ['drift', ['--dir DIR | --stack NAME', '--ignore FILE', 'deleted', 'changed', 'added', 'Exit 0']],
    ['audit', ['--format table|csv|json|html', '--state DIR', 'via', 'managed']],
    ['adopt', ['--vendor V', '--out DIR', '--only', '-generate-config-out']],
  ] as const) {
    test(command, async () => {
      const output = { out: '', err: '' };
      expect(await main([command, '--help'], { stdout: (text) => void (output.out += text), stderr: (text) => void (output.err += text) })).toBe(0);
      expect(output.err).toBe('');
      expect(output.out).toMatch(new RegExp(`^Usage: bi-access ${command} `));
      for (const mention of mentions) expect(output.out).toContain(mention);
    });
  }

  test('a usage error of drift exits 1 (2 means drift there); of the others 2', async () => {
    const silent = { stdout: () => {}, stderr: () => {} };
    expect(await main(['drift', '--bogus'], silent)).toBe(1);
    expect(await main(['audit', '--format', 'pdf'], silent)).toBe(2);
    expect(await main(['adopt'], silent)).toBe(2);
  });
});
