// The one vocabulary of access levels of the AccessPolicy construct, and how each level lands in
// each vendor: the table the policy compiles from, its synth-time errors, the README and the
// reference docs are all read from here.

/** Weakest first. */
export const POLICY_LEVELS = ['view', 'query', 'edit', 'admin'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

export type PolicyVendor = 'redash' | 'grafana' | 'sisense' | 'periscope';
export type PolicyObjectKind = 'dashboard' | 'folder' | 'data_source' | 'data_model';

export interface ObjectMapping {
  vendor: PolicyVendor;
  kind: PolicyObjectKind;
  /** As a person would name it, e.g. `Grafana data source`. */
  label: string;
  /** How each offered level lands, in the vendor's terms. */
  levels: Partial<Record<PolicyLevel, string>>;
  /** Why a level is not offered, where there is more to say than "not offered". */
  refusals?: Partial<Record<PolicyLevel, string>>;
  /** Set when only teams can be given this object (the vendor grants it to groups or roles only). */
  teamsOnly?: string;
}

export const OBJECT_MAPPINGS: readonly ObjectMapping[] = [
  {
    vendor: 'redash',
    kind: 'data_source',
    label: 'Redash data source',
    levels: { view: 'data source access with `view_only = true`', query: 'data source access with `view_only = false`' },
    teamsOnly: 'Redash gives data source access to groups only',
  },
  {
    vendor: 'redash',
    kind: 'dashboard',
    label: 'Redash dashboard',
    levels: { edit: 'a `dashboard_share` for the person (for a team: one per member)' },
    refusals: { view: 'Redash has no view permission on dashboards: anyone with access to its data sources sees it' },
  },
  { vendor: 'grafana', kind: 'dashboard', label: 'Grafana dashboard', levels: { view: 'permission `View`', edit: 'permission `Edit`', admin: 'permission `Admin`' } },
  { vendor: 'grafana', kind: 'folder', label: 'Grafana folder', levels: { view: 'permission `View`', edit: 'permission `Edit`', admin: 'permission `Admin`' } },
  {
    vendor: 'grafana',
    kind: 'data_source',
    label: 'Grafana data source',
    levels: { query: 'permission `Query`', edit: 'permission `Edit`', admin: 'permission `Admin`' },
    refusals: { view: 'Query is the lowest Grafana data source permission' },
  },
  { vendor: 'sisense', kind: 'dashboard', label: 'Sisense dashboard', levels: { view: 'share rule `view`', edit: 'share rule `edit`', admin: 'share rule `co-owner`' } },
  { vendor: 'sisense', kind: 'data_model', label: 'Sisense data model', levels: { view: 'share `read`', query: 'share `use`', edit: 'share `edit`' } },
  {
    vendor: 'periscope',
    kind: 'dashboard',
    label: 'Periscope dashboard',
    levels: { view: 'permissions `read_dashboards`', edit: 'permissions `read_dashboards`, `edit_dashboard_settings`, `create_sql_charts`, `create_discovery_charts`' },
    teamsOnly: 'Periscope gives dashboards to roles only',
  },
];

export function mappingOf(vendor: PolicyVendor, kind: PolicyObjectKind): ObjectMapping {
  const found = OBJECT_MAPPINGS.find((mapping) => mapping.vendor === vendor && mapping.kind === kind);
  if (!found) throw new Error(`no ${vendor} ${kind} in the access policy's mapping`);
  return found;
}

export function allowedLevels(mapping: ObjectMapping): PolicyLevel[] {
  return POLICY_LEVELS.filter((level) => mapping.levels[level] !== undefined);
}

export function strongest(a: PolicyLevel, b: PolicyLevel): PolicyLevel {
  return POLICY_LEVELS.indexOf(a) >= POLICY_LEVELS.indexOf(b) ? a : b;
}

/** Periscope's permission sets by level (the table's wording, as lists). */
export const PERISCOPE_PERMISSIONS: Record<'view' | 'edit', string[]> = {
  view: ['read_dashboards'],
  edit: ['read_dashboards', 'edit_dashboard_settings', 'create_sql_charts', 'create_discovery_charts'],
};

/** The mapping as the markdown table the README and the docs show. */
export function mappingTable(): string {
  const rows = OBJECT_MAPPINGS.map((mapping) => {
    const cells = POLICY_LEVELS.map((level) => mapping.levels[level] ?? `error${mapping.refusals?.[level] ? ` (${mapping.refusals[level]})` : ''}`);
    return `| ${mapping.label}${mapping.teamsOnly ? ' (teams only)' : ''} | ${cells.join(' | ')} |`;
  });
  return ['| object | view | query | edit | admin |', '|---|---|---|---|---|', ...rows].join('\n');
}
