// The example stack: a warehouse database and the BI access to it, declared together.
//
// Connections come from the environment: REDASH_URL/REDASH_API_KEY, GRAFANA_URL/GRAFANA_AUTH,
// SISENSE_URL with SISENSE_TOKEN (or SISENSE_USERNAME/SISENSE_PASSWORD), and
// PERISCOPE_URL/PERISCOPE_SITE/PERISCOPE_API_KEY/PERISCOPE_ADMIN_EMAIL (`npm start` points them at
// local emulators; point them at your own servers to use it for real). The dashboard "Warehouse
// KPIs" (Redash), the folder "On-call" and the data source "warehouse" (Grafana), the dashboard
// "Sales Overview" with its data model (Sisense), and the dashboards "Warehouse KPIs" and "Revenue"
// (Periscope) are existing BI content: the stack looks them up and grants access to them.
import { App, DataResource, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { AccessPolicy, BiAccessProvider, grafana, periscope, redash, sisense } from './lib';

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
    const initialPassword = new TerraformVariable(this, 'grafana_initial_password', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-initial-password', // demo value: pass a real one with TF_VAR_grafana_initial_password
      description: 'Initial password of the Grafana users created here.',
    });

    // Redash's connection to the warehouse: a vendor-specific resource, declared with its own construct.
    const warehouseInRedash = new redash.DataSource(this, 'redash-warehouse', {
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

    // Existing BI content, looked up by name.
    const redashKpis = new redash.DataDashboard(this, 'redash-kpis', { name: 'Warehouse KPIs' });
    const onCallFolder = new grafana.DataFolder(this, 'grafana-on-call-folder', { title: 'On-call' });
    const warehouseInGrafana = new grafana.DataDataSource(this, 'grafana-warehouse', { name: 'warehouse' });
    const salesDashboard = new sisense.DataDashboard(this, 'sisense-sales-dashboard', { title: 'Sales Overview' });
    const salesModel = new sisense.DataDataModel(this, 'sisense-sales-model', { title: salesDashboard.dataModelTitle });
    const periscopeKpis = new periscope.DataDashboard(this, 'periscope-kpis', { name: 'Warehouse KPIs' });
    const periscopeRevenue = new periscope.DataDashboard(this, 'periscope-revenue', { name: 'Revenue' });

    // Who may see what, once for all four tools. The people are created where a grant needs them.
    const people = [
      { email: 'alice@example.com', name: 'Alice Analyst' },
      { email: 'bob@example.com', name: 'Bob Analyst' },
      { email: 'carol@example.com', name: 'Carol Engineer' },
      { email: 'dave@example.com', name: 'Dave Engineer' },
    ];
    const access = new AccessPolicy(this, 'access', {
      people: 'create',
      passwords: Object.fromEntries(people.map(({ email }) => [email, initialPassword.stringValue])),
    });
    const [alice, bob, carol, dave] = people.map(({ email, name }) => access.person(email, { name }));
    const analysts = access.team('Analysts', { members: [alice, bob] });
    const engineers = access.team('Engineers', { members: [carol, dave] });

    analysts.grant(access.redash.dataSource(warehouseInRedash.id), 'view');
    analysts.grant(access.grafana.folder(onCallFolder.uid), 'view');
    analysts.grant(access.sisense.dashboard(salesDashboard.id, { dataModel: salesModel.id }), 'view');
    analysts.grant(access.periscope.dashboard(periscopeKpis.id), 'view');

    engineers.grant(access.redash.dataSource(warehouseInRedash.id), 'query');
    engineers.grant(access.redash.dashboard(redashKpis.id), 'edit');
    engineers.grant(access.grafana.folder(onCallFolder.uid), 'edit');
    engineers.grant(access.grafana.dataSource(warehouseInGrafana.uid), 'query');
    engineers.grant(access.sisense.dataModel(salesModel.id), 'edit');
    engineers.grant(access.periscope.dashboard(periscopeRevenue.id), 'edit');

    // A vendor-specific grant beside the policy: Periscope's built-in Analyst role (not a team of
    // this stack) may also read and download the Revenue dashboard.
    const analystRole = new periscope.DataRole(this, 'periscope-analyst-role', { name: 'Analyst' });
    new periscope.DashboardPermission(this, 'analyst-role-reads-revenue', {
      roleId: analystRole.id,
      dashboardId: periscopeRevenue.id,
      permissions: ['read_dashboards', 'download_pdf'],
    });

    new TerraformOutput(this, 'redash_data_source_id', { value: warehouseInRedash.id });
  }
}

if (require.main === module) {
  const app = new App();
  new WarehouseAccessStack(app, 'bi-access');
  app.synth();
}
