// The example stack: a warehouse database and the BI access to it, declared together.
//
// Connections come from the environment: REDASH_URL/REDASH_API_KEY, GRAFANA_URL/GRAFANA_AUTH,
// SISENSE_URL with SISENSE_TOKEN or SISENSE_USERNAME/SISENSE_PASSWORD, and
// PERISCOPE_URL/PERISCOPE_SITE/PERISCOPE_API_KEY/PERISCOPE_ADMIN_EMAIL (`npm start` points them at
// local emulators; point them at your own servers to use it for real). The dashboard "Warehouse
// KPIs" (Redash), the folder "On-call" and the data source "warehouse" (Grafana), the dashboard
// "Sales Overview" with its data model (Sisense), and the dashboards "Warehouse KPIs" and
// "Revenue" (Periscope) are existing BI content: the stack looks them up and grants access to them.
import { App, DataResource, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { BiAccessProvider, grafana, periscope, redash, sisense } from './lib';

export class WarehouseAccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // `npm start` keeps the demo's state in .demo/, apart from the state of your own deploys.
    if (process.env.BI_ACCESS_STATE_FILE) new LocalBackend(this, { path: process.env.BI_ACCESS_STATE_FILE });
    new BiAccessProvider(this, 'biaccess');

    // The warehouse database. In a real stack this is your database resource (RDS, Cloud SQL…);
    // terraform_data stands in for it here so the example runs anywhere.
    const warehouse = new DataResource(this, 'warehouse-database', {
      input: { host: 'warehouse.internal', port: '5432', dbname: 'analytics', user: 'bi_reader' },
    });
    const warehousePassword = new TerraformVariable(this, 'warehouse_password', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-password', // demo value: pass the real one with TF_VAR_warehouse_password
      description: 'Password of the bi_reader database user.',
    });

    // Redash: the connection to the warehouse, and who may query it.
    const warehouseSource = new redash.DataSource(this, 'redash-warehouse', {
      name: 'Warehouse',
      type: 'pg',
      options: {
        host: warehouse.output.lookup('host'),
        port: warehouse.output.lookup('port'),
        dbname: warehouse.output.lookup('dbname'),
        user: warehouse.output.lookup('user'),
        password: warehousePassword.stringValue,
      },
    });
    const analysts = new redash.Group(this, 'redash-analysts', { name: 'Analysts' });
    const engineers = new redash.Group(this, 'redash-engineers', { name: 'Engineers' });
    new redash.DataSourceAccess(this, 'analysts-query-warehouse', { groupId: analysts.id, dataSourceId: warehouseSource.id, viewOnly: true });
    new redash.DataSourceAccess(this, 'engineers-query-warehouse', { groupId: engineers.id, dataSourceId: warehouseSource.id });

    const people = [
      { key: 'alice', name: 'Alice Analyst', email: 'alice@example.com', group: analysts },
      { key: 'bob', name: 'Bob Analyst', email: 'bob@example.com', group: analysts },
      { key: 'carol', name: 'Carol Engineer', email: 'carol@example.com', group: engineers },
    ];
    const redashUsers = Object.fromEntries(
      people.map(({ key, name, email, group }) => {
        const user = new redash.User(this, `redash-${key}`, { name, email });
        new redash.GroupMember(this, `redash-${key}-member`, { groupId: group.id, userId: user.id });
        return [key, user];
      }),
    );
    const kpis = new redash.DataDashboard(this, 'redash-kpis', { name: 'Warehouse KPIs' });
    new redash.DashboardShare(this, 'carol-edits-kpis', { dashboardId: kpis.id, userId: redashUsers.carol.id });

    // Grafana: the on-call team, its members, and what it may see and query.
    const initialPassword = new TerraformVariable(this, 'grafana_initial_password', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-initial-password', // demo value: pass a real one with TF_VAR_grafana_initial_password
      description: 'Initial password of the Grafana users created here.',
    });
    const onCall = new grafana.Team(this, 'grafana-on-call', { name: 'On-call' });
    for (const [key, name, email, admin] of [
      ['dave', 'Dave Oncall', 'dave@example.com', true],
      ['erin', 'Erin Oncall', 'erin@example.com', false],
    ] as const) {
      const user = new grafana.User(this, `grafana-${key}`, { name, email, password: initialPassword.stringValue });
      new grafana.TeamMember(this, `grafana-${key}-on-call`, { teamId: onCall.id, userId: user.id, admin });
    }
    const onCallFolder = new grafana.DataFolder(this, 'grafana-on-call-folder', { title: 'On-call' });
    new grafana.FolderPermission(this, 'on-call-edits-folder', { folderUid: onCallFolder.uid, teamId: onCall.id, permission: 'Edit' });
    const warehouseInGrafana = new grafana.DataDataSource(this, 'grafana-warehouse', { name: 'warehouse' });
    new grafana.DataSourcePermission(this, 'on-call-queries-warehouse', { dataSourceUid: warehouseInGrafana.uid, teamId: onCall.id, permission: 'Query' });

    // Sisense: the Analysts see the sales dashboard. Sharing a dashboard does not share the data
    // model it queries, so the model is shared with them too ("use": query it, build on it).
    const sisenseAnalysts = new sisense.Group(this, 'sisense-analysts', { name: 'Analysts' });
    for (const { key, name, email } of people.filter((person) => person.group === analysts)) {
      const [firstName, lastName] = name.split(' ');
      const user = new sisense.User(this, `sisense-${key}`, { email, firstName, lastName, role: 'Viewer' });
      new sisense.GroupMember(this, `sisense-${key}-analysts`, { groupId: sisenseAnalysts.id, userId: user.id });
    }
    const salesDashboard = new sisense.DataDashboard(this, 'sisense-sales-dashboard', { title: 'Sales Overview' });
    const salesModel = new sisense.DataDataModel(this, 'sisense-sales-model', { title: salesDashboard.dataModelTitle });
    new sisense.DashboardShare(this, 'analysts-view-sales', { dashboardId: salesDashboard.id, groupId: sisenseAnalysts.id, rule: 'view' });
    new sisense.DataModelShare(this, 'analysts-use-sales-model', { dataModelId: salesModel.id, groupId: sisenseAnalysts.id, permission: 'use' });

    // Periscope: a role for the warehouse analysts that reads the KPIs dashboard, one member, and
    // the site's default Analyst role given the Revenue dashboard too.
    const periscopeAnalysts = new periscope.Role(this, 'periscope-warehouse-analysts', {
      name: 'Warehouse Analysts',
      description: 'Reads the warehouse dashboards',
      privilege: [{ object_type: 'Dashboard', permissions: ['read_dashboards', 'download_pdf'] }],
    });
    const periscopeKpis = new periscope.DataDashboard(this, 'periscope-kpis', { name: 'Warehouse KPIs' });
    new periscope.DashboardPermission(this, 'warehouse-analysts-read-kpis', { roleId: periscopeAnalysts.id, dashboardId: periscopeKpis.id, permissions: ['read_dashboards'] });
    const frank = new periscope.User(this, 'periscope-frank', { email: 'frank@example.com', firstName: 'Frank', lastName: 'Analyst' });
    new periscope.RoleMember(this, 'periscope-frank-warehouse-analysts', { roleId: periscopeAnalysts.id, userId: frank.id });
    const defaultAnalystRole = new periscope.DataRole(this, 'periscope-analyst-role', { name: 'Analyst' });
    const periscopeRevenue = new periscope.DataDashboard(this, 'periscope-revenue', { name: 'Revenue' });
    new periscope.DashboardPermission(this, 'analyst-role-reads-revenue', { roleId: defaultAnalystRole.id, dashboardId: periscopeRevenue.id, permissions: ['read_dashboards', 'download_pdf'] });

    new TerraformOutput(this, 'redash_data_source_id', { value: warehouseSource.id });
    new TerraformOutput(this, 'grafana_team_id', { value: onCall.id });
  }
}

if (require.main === module) {
  const app = new App();
  new WarehouseAccessStack(app, 'bi-access');
  app.synth();
}
