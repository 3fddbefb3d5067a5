// A provider pointed at the wrong place (a base URL that is not the vendor's API, a Grafana org
// the objects are not in, or one the credentials cannot act in) fails at refresh with an error
// naming the setting to check. It never reads the objects as deleted: the state stays, and no
// plan offers to create everything again.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { grafanaApi } from '../support/grafana-api';
import { TestkitEmulator, TESTKIT_API_KEY } from '../support/testkit/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const redash = new RedashEmulator();
const grafana = new GrafanaEmulator();
const testkit = new TestkitEmulator();
const sisense = new SisenseEmulator();
const periscope = new PeriscopeEmulator();
let workspace: TerraformWorkspace;
let secondOrg: number;
let sisenseDashboardId: string;

interface Endpoints {
  redashUrl: string;
  grafanaUrl: string;
  grafanaOrg?: number;
  testkitUrl: string;
  sisenseUrl: string;
  periscopeUrl: string;
}

function configuration(endpoints: Endpoints): string {
  return (
    providerBlock(`  redash {
    url     = "${endpoints.redashUrl}"
    api_key = "${REDASH_ADMIN_API_KEY}"
  }
  grafana {
    url    = "${endpoints.grafanaUrl}"
    auth   = "${grafana.adminAuth}"${endpoints.grafanaOrg === undefined ? '' : `\n    org_id = ${endpoints.grafanaOrg}`}
  }
  testkit {
    url     = "${endpoints.testkitUrl}"
    api_key = "${TESTKIT_API_KEY}"
  }
  sisense {
    url   = "${endpoints.sisenseUrl}"
    token = "${SISENSE_ADMIN_TOKEN}"
  }
  periscope {
    url         = "${endpoints.periscopeUrl}"
    site        = "${periscope.site}"
    api_key     = "${periscope.apiKey}"
    admin_email = "${PERISCOPE_ADMIN_EMAIL}"
  }`) +
    `
resource "biaccess_redash_group" "g" {
  name = "analysts"
}

resource "biaccess_redash_user" "u" {
  email = "ann@example.com"
  name  = "Ann"
}

resource "biaccess_redash_group_member" "m" {
  group_id = biaccess_redash_group.g.id
  user_id  = biaccess_redash_user.u.id
}

resource "biaccess_grafana_team" "t" {
  name   = "Platform"
  org_id = 1
}

resource "biaccess_grafana_team_member" "tm" {
  team_id = biaccess_grafana_team.t.id
  user_id = "1"
}

resource "biaccess_grafana_dashboard_permission" "dp" {
  dashboard_uid = "dash"
  team_id       = biaccess_grafana_team.t.id
  permission    = "View"
}

resource "biaccess_testkit_item" "i" {
  name = "item"
}

resource "biaccess_sisense_group" "g" {
  name = "Analysts"
}

resource "biaccess_sisense_dashboard_share" "s" {
  dashboard_id = "${sisenseDashboardId}"
  group_id     = biaccess_sisense_group.g.id
}

resource "biaccess_periscope_user" "u" {
  email      = "ann@example.com"
  first_name = "Ann"
  last_name  = "Lee"
}

resource "biaccess_periscope_role" "r" {
  name = "Analysts"
}

resource "biaccess_periscope_role_member" "m" {
  role_id = biaccess_periscope_role.r.id
  user_id = biaccess_periscope_user.u.id
}
`
  );
}

const right = (): Endpoints => ({ redashUrl: redash.url, grafanaUrl: grafana.url, testkitUrl: testkit.url, sisenseUrl: sisense.url, periscopeUrl: periscope.url });
const flat = (text: string) => text.replace(/\s+/g, ' ');

async function refreshWith(endpoints: Endpoints) {
  const before = await workspace.stateResources();
  workspace.write('main.tf', configuration(endpoints));
  const refresh = await workspace.terraform(['plan', '-refresh-only'], { allowFailure: true });
  const plan = await workspace.terraform(['plan'], { allowFailure: true });
  const after = await workspace.stateResources();
  return { refresh: { code: refresh.code, output: flat(refresh.stdout + refresh.stderr) }, plan: { code: plan.code, output: flat(plan.stdout + plan.stderr) }, before, after };
}

beforeAll(async () => {
  await Promise.all([redash.start(), grafana.start(), testkit.start(), sisense.start(), periscope.start()]);
  sisenseDashboardId = sisense.addDashboard('Sales').oid;
  const admin = grafanaApi(grafana.url, grafana.adminAuth);
  await admin.ok('POST', '/api/dashboards/db', { dashboard: { uid: 'dash', title: 'Dash' } });
  // A second org the admin belongs to, holding none of the objects.
  secondOrg = (await admin.ok('POST', '/api/orgs', { name: 'Second' })).orgId;
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(right()));
  await workspace.terraform(['init']);
  await workspace.terraform(['apply', '-auto-approve']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all([redash.stop(), grafana.stop(), testkit.stop(), sisense.stop(), periscope.stop()]);
});

test('a base URL that is not the vendor API is an error naming the URL setting, for every vendor; nothing reads as deleted', async () => {
  const result = await refreshWith({ redashUrl: `${redash.url}/no-such-org`, grafanaUrl: `${grafana.url}/grafana`, testkitUrl: `${testkit.url}/v2`, sisenseUrl: `${sisense.url}/app`, periscopeUrl: `${periscope.url}/app` });
  for (const { code, output } of [result.refresh, result.plan]) {
    expect(code).toBe(1);
    expect(output).toMatch(/Every redash server answers GET \/api\/groups, so http:\/\/127\.0\.0\.1:\d+\/no-such-org is not the redash API: check redash\.url \(REDASH_URL\)/);
    expect(output).toMatch(/Every grafana server answers GET \/api\/org, so http:\/\/127\.0\.0\.1:\d+\/grafana is not the grafana API: check grafana\.url \(GRAFANA_URL\)/);
    expect(output).toMatch(/Every testkit server answers GET \/items, so http:\/\/127\.0\.0\.1:\d+\/v2 is not the testkit API: check testkit\.url \(TESTKIT_URL\)/);
    expect(output).toMatch(/Every sisense server answers GET \/api\/roles, so http:\/\/127\.0\.0\.1:\d+\/app is not the sisense API: check sisense\.url \(SISENSE_URL\)/);
    // Periscope answers a route it does not serve with an HTML page: never read as "deleted".
    expect(output).toMatch(/Every periscope server answers GET \/api\/v1\/roles, so http:\/\/127\.0\.0\.1:\d+\/app is not the periscope API: check periscope\.url \(PERISCOPE_URL\)/);
    expect(output).not.toMatch(/has been deleted|will be created|no longer exists/);
  }
  expect([...result.after.keys()].sort()).toEqual([...result.before.keys()].sort());
  expect(result.after.size).toBe(12);
});

test('a Grafana org that holds none of the objects: members and grants say which org they belong to', async () => {
  const result = await refreshWith({ ...right(), grafanaOrg: secondOrg });
  for (const { code, output } of [result.refresh, result.plan]) {
    expect(code).toBe(1);
    expect(output).toContain(`This object belongs to Grafana org 1, but the provider now acts in org ${secondOrg}`);
    expect(output).toMatch(/Reading biaccess_grafana_team_member failed/);
    expect(output).toMatch(/Reading biaccess_grafana_dashboard_permission failed/);
    expect(output).not.toMatch(/has been deleted|will be created|no longer exists/);
  }
  expect(result.after.size).toBe(12);
});

test('a Grafana org the credentials cannot act in is an error naming grafana.org_id', async () => {
  const result = await refreshWith({ ...right(), grafanaOrg: 99 });
  for (const { code, output } of [result.refresh, result.plan]) {
    expect(code).toBe(1);
    expect(output).toContain('You do not have access to the requested organization');
    expect(output).toContain('may not act in org 99 (grafana.org_id or GRAFANA_ORG_ID)');
    expect(output).not.toMatch(/has been deleted|will be created|no longer exists/);
  }
  expect(result.after.size).toBe(12);
});

test('pointed back at the right place, nothing has changed', async () => {
  workspace.write('main.tf', configuration(right()));
  const plan = await workspace.terraform(['plan', '-detailed-exitcode'], { allowFailure: true });
  expect(plan.code).toBe(0);
});
