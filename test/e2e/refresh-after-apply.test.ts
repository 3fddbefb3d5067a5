// A refresh right after an apply changes nothing, for every resource type of every vendor: after
// the create and after each round of in-place updates, `plan -refresh-only -detailed-exitcode`
// exits 0 (a CI drift check would otherwise raise a false alarm) and a normal plan has no changes.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { grafanaApi } from '../support/grafana-api';
import { TestkitEmulator, TESTKIT_API_KEY } from '../support/testkit/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const redash = new RedashEmulator();
const grafana = new GrafanaEmulator({ enterprise: true });
const testkit = new TestkitEmulator();
const sisense = new SisenseEmulator();
let workspace: TerraformWorkspace;
let redashDashboardId: number;
let sisenseDashboardId: string;
let sisenseModelId: string;
const periscope = new PeriscopeEmulator();
let periscopeDashboardId: number;

/** One value per round for each in-place attribute; round 0 is the create. */
const rounds = [0, 1, 2, 3, 4, 5];
const pick = <T>(values: readonly T[], round: number): T => values[Math.min(round, values.length - 1)];

/** Every resource type, each in-place attribute changing in its own round. */
function configuration(round: number): string {
  const at = (changesInRound: number, before: string, after: string) => (round >= changesInRound ? after : before);
  return (
    providerBlock(`  redash {
    url     = "${redash.url}"
    api_key = "${REDASH_ADMIN_API_KEY}"
  }
  grafana {
    url  = "${grafana.url}"
    auth = "${grafana.adminAuth}"
  }
  testkit {
    url     = "${testkit.url}"
    api_key = "${TESTKIT_API_KEY}"
  }
  sisense {
    url   = "${sisense.url}"
    token = "${SISENSE_ADMIN_TOKEN}"
  }
  periscope {
    url         = "${periscope.url}"
    site        = "${periscope.site}"
    api_key     = "${periscope.apiKey}"
    admin_email = "${PERISCOPE_ADMIN_EMAIL}"
  }`) +
    `
resource "biaccess_redash_user" "u" {
  email       = "${at(1, 'ann@example.com', 'ann.smith@example.com')}"
  name        = "${at(2, 'Ann', 'Ann Smith')}"
  disabled    = ${at(3, 'false', 'true')}
  send_invite = ${at(4, 'false', 'true')}
}

resource "biaccess_redash_group" "g" {
  name = "${at(1, 'analysts', 'data-analysts')}"
}

resource "biaccess_redash_group_member" "m" {
  group_id = biaccess_redash_group.g.id
  user_id  = biaccess_redash_user.u.id
}

resource "biaccess_redash_data_source" "d" {
  name    = "${at(1, 'warehouse', 'warehouse-eu')}"
  type    = "pg"
  options = { host = "db", port = "${at(2, '5432', '5433')}", dbname = "analytics", password = "${at(3, 'secret-1', 'secret-2')}" }
}

resource "biaccess_redash_data_source_access" "a" {
  group_id       = biaccess_redash_group.g.id
  data_source_id = biaccess_redash_data_source.d.id
  view_only      = ${at(1, 'true', 'false')}
}

resource "biaccess_redash_dashboard_share" "s" {
  dashboard_id = "${redashDashboardId}"
  user_id      = biaccess_redash_user.u.id
}

resource "biaccess_grafana_user" "u" {
  email    = "${at(1, 'bo@example.com', 'bo.jones@example.com')}"
  login    = "${at(2, 'bo', 'bo.jones')}"
  name     = "${at(3, 'Bo', 'Bo Jones')}"
  password = "${at(4, 'password-1', 'password-2')}"
  is_admin = ${at(5, 'false', 'true')}
}

resource "biaccess_grafana_org_member" "o" {
  user_id = biaccess_grafana_user.u.id
  role    = "${pick(['Viewer', 'Editor'], round)}"
}

resource "biaccess_grafana_team" "t" {
  name  = "${at(1, 'Platform', 'Platform Team')}"
  email = "${at(2, 'platform@example.com', 'team@example.com')}"
}

resource "biaccess_grafana_team_member" "tm" {
  team_id = biaccess_grafana_team.t.id
  user_id = biaccess_grafana_user.u.id
  admin   = ${at(1, 'false', 'true')}
}

resource "biaccess_grafana_dashboard_permission" "dp" {
  dashboard_uid = "dash"
  team_id       = biaccess_grafana_team.t.id
  permission    = "${pick(['View', 'Edit', 'Admin'], round)}"
}

resource "biaccess_grafana_folder_permission" "fp" {
  folder_uid = "folder"
  user_id    = biaccess_grafana_user.u.id
  permission = "${pick(['Edit', 'View'], round)}"
}

resource "biaccess_grafana_data_source_permission" "sp" {
  data_source_uid = "ds"
  role            = "Viewer"
  permission      = "${pick(['Query', 'Edit'], round)}"
}

resource "biaccess_sisense_user" "u" {
  email      = "${at(1, 'cy@example.com', 'cy.young@example.com')}"
  first_name = "${at(2, 'Cy', 'Cyrus')}"
  role       = "${at(3, 'Viewer', 'dataDesigner')}"
  password   = "${at(4, 'password-1', 'password-2')}"
  user_name  = "${at(5, 'cy', 'cy.young')}"
}

resource "biaccess_sisense_group" "g" {
  name = "${at(1, 'Analysts', 'Data Analysts')}"
}

resource "biaccess_sisense_group_member" "m" {
  group_id = biaccess_sisense_group.g.id
  user_id  = biaccess_sisense_user.u.id
}

resource "biaccess_sisense_dashboard_share" "s" {
  dashboard_id = "${sisenseDashboardId}"
  group_id     = biaccess_sisense_group.g.id
  rule         = "${pick(['view', 'edit', 'co-owner'], round)}"
  subscribe    = ${at(4, 'false', 'true')}
}

resource "biaccess_sisense_data_model_share" "p" {
  data_model_id = "${sisenseModelId}"
  user_id       = biaccess_sisense_user.u.id
  permission    = "${pick(['use', 'read', 'edit'], round)}"
}

resource "biaccess_testkit_item" "i" {
  name    = "${at(1, 'item', 'item-renamed')}"
  size    = ${at(2, '1', '2.5')}
  enabled = ${at(3, 'true', 'false')}
  tags    = { team = "${at(4, 'a', 'b')}" }
  secret  = "${at(5, 'one', 'two')}"
}

resource "biaccess_periscope_user" "u" {
  email      = "Cy@Example.com"
  first_name = "${at(1, 'Cy', 'Cyrus')}"
  last_name  = "${at(2, 'Young', 'Younger')}"
}

resource "biaccess_periscope_role" "r" {
  name        = "${at(1, 'Readers', 'Dashboard Readers')}"
  description = "${at(2, 'reads', 'reads dashboards')}"
  privilege {
    object_type = "Dashboard"
    permissions = ${at(3, '["read_dashboards"]', '["read_dashboards", "download_pdf"]')}
  }
}

resource "biaccess_periscope_role_member" "m" {
  role_id = biaccess_periscope_role.r.id
  user_id = biaccess_periscope_user.u.id
}

resource "biaccess_periscope_dashboard_permission" "p" {
  role_id      = biaccess_periscope_role.r.id
  dashboard_id = "${periscopeDashboardId}"
  permissions  = ${at(1, '["read_dashboards"]', '["read_dashboards", "email_reports"]')}
}
`
  );
}

beforeAll(async () => {
  await Promise.all([redash.start(), grafana.start(), testkit.start(), periscope.start(), sisense.start()]);
  const sisenseModel = sisense.addDataModel('Sales', 'live');
  sisenseModelId = sisenseModel.oid;
  sisenseDashboardId = sisense.addDashboard('Sales', { dataModel: sisenseModel }).oid;
  const created = await fetch(`${periscope.url}/api/v1/dashboards?test_mode=false`, {
    method: 'POST',
    headers: { 'HTTP-X-PARTNER-AUTH': `${periscope.site}:${periscope.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'KPIs' }),
  });
  periscopeDashboardId = ((await created.json()) as { dashboard: { id: number } }).dashboard.id;
  const dashboard = await fetch(`${redash.url}/api/dashboards`, {
    method: 'POST',
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'KPIs' }),
  });
  redashDashboardId = ((await dashboard.json()) as { id: number }).id;
  const admin = grafanaApi(grafana.url, grafana.adminAuth);
  await admin.ok('POST', '/api/folders', { uid: 'folder', title: 'Folder' });
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'dash', title: 'Dash' } });
  await admin.ok('POST', '/api/datasources', { uid: 'ds', name: 'ds', type: 'postgres' });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all([redash.stop(), grafana.stop(), testkit.stop(), periscope.stop(), sisense.stop()]);
});

test.each(rounds)('round %i: apply, then a refresh-only plan and a plan find nothing to change', async (round) => {
  workspace.write('main.tf', configuration(round));
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  if (round === 0) expect(apply.stdout).toContain('Apply complete! Resources: 23 added, 0 changed, 0 destroyed');
  else expect(apply.stdout).toMatch(/Apply complete! Resources: 0 added, [1-9]\d* changed, 0 destroyed/);

  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { allowFailure: true });
  expect({ round, code: refresh.code, output: refresh.code === 0 ? '' : refresh.stdout + refresh.stderr }).toEqual({ round, code: 0, output: '' });
  const plan = await workspace.terraform(['plan', '-detailed-exitcode'], { allowFailure: true });
  expect({ round, code: plan.code, output: plan.code === 0 ? '' : plan.stdout + plan.stderr }).toEqual({ round, code: 0, output: '' });
});
