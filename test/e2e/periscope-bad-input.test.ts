// Bad Periscope input gets a clear error naming the attribute or the setting (at plan time where
// the value is known then), nothing is written, and no secret shows in any output.
import { PeriscopeEmulator } from '../../src/vendors/periscope/emulator';
import { periscopeProvider, periscopeScript } from '../support/periscope-api';
import { TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new PeriscopeEmulator();
const script = periscopeScript(emulator);
let workspace: TerraformWorkspace;
let dashboardId: number;

async function attempt(command: string[], resources: string, provider: Parameters<typeof periscopeProvider>[1] = {}) {
  workspace.write('main.tf', periscopeProvider(emulator, provider) + resources);
  const result = await workspace.terraform(command, { allowFailure: true });
  return { code: result.code, output: flat(result.stdout + result.stderr) };
}

/** Terraform wraps diagnostics at 80 columns: compare with whitespace runs made single spaces. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  await emulator.start();
  dashboardId = (await script.ok('POST', '/api/v1/dashboards', { name: 'Sales' })).dashboard.id;
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', periscopeProvider(emulator));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('plan rejects an empty permission set and a default role as a resource, naming each attribute', async () => {
  const before = emulator.snapshotState();
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_periscope_dashboard_permission" "empty" {
  role_id      = "1"
  dashboard_id = "${dashboardId}"
  permissions  = []
}
resource "biaccess_periscope_role" "analyst" {
  name = "analyst"
}
`,
  );
  expect(result.code).toBe(1);
  expect(result.output).toContain('Invalid value for "permissions"');
  expect(result.output).toContain('got an empty set (to take the access away, remove the resource): "permissions" must be a non-empty set of permission names such as "read_dashboards"');
  expect(result.output).toContain('Invalid value for "name"');
  expect(result.output).toContain('"name" must be none of the default roles (Admin, Everyone, Analyst, Business User, Read, in any case), which exist on every site: read one with data "biaccess_periscope_role"');
  expect(emulator.snapshotState()).toEqual(before);
});

test('an unknown role id, an unknown dashboard id and the Everyone role fail at plan naming the attribute, before anything is written', async () => {
  const before = emulator.snapshotState();
  const result = await attempt(
    ['apply', '-auto-approve'],
    `
resource "biaccess_periscope_user" "erin" {
  email      = "erin@example.com"
  first_name = "Erin"
  last_name  = "Example"
}
resource "biaccess_periscope_role_member" "unknown_role" {
  role_id = "999"
  user_id = biaccess_periscope_user.erin.id
}
resource "biaccess_periscope_dashboard_permission" "unknown_role" {
  role_id      = "998"
  dashboard_id = "${dashboardId}"
  permissions  = ["read_dashboards"]
}
resource "biaccess_periscope_dashboard_permission" "unknown_dashboard" {
  role_id      = "3"
  dashboard_id = "424242"
  permissions  = ["read_dashboards"]
}
data "biaccess_periscope_role" "everyone" {
  name = "Everyone"
}
resource "biaccess_periscope_role_member" "everyone" {
  role_id = data.biaccess_periscope_role.everyone.id
  user_id = "u1000"
}
`,
  );
  expect(result.code).toBe(1);
  expect(result.output).toMatch(/\d+: role_id = "999" Periscope has no role with id 999\. Use the id of a biaccess_periscope_role resource or of data "biaccess_periscope_role" \(default roles\)\./);
  expect(result.output).toMatch(/with biaccess_periscope_dashboard_permission\.unknown_role, on main\.tf line \d+, in resource "biaccess_periscope_dashboard_permission" "unknown_role": \d+: role_id = "998" Periscope has no role with id 998/);
  expect(result.output).toMatch(/dashboard_id = "424242" Periscope has no dashboard with id 424242\. Look it up with data "biaccess_periscope_dashboard"/);
  expect(result.output).toMatch(/role_id = data\.biaccess_periscope_role\.everyone\.id .*Periscope puts every user in the default role Everyone/);
  expect(emulator.snapshotState()).toEqual(before);
});

test('a user whose email exists fails with the import command to take it over', async () => {
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_periscope_user" "admin" {
  email      = "Admin@Example.com"
  first_name = "Site"
  last_name  = "Admin"
}
`,
  );
  expect(result.code).toBe(1);
  expect(result.output).toContain('A Periscope user with email "admin@example.com" already exists (id u1000). To manage that user, import it: terraform import biaccess_periscope_user.<name> admin@example.com');
  expect(result.output).toMatch(/email = "Admin@Example.com"/);
});

test('a wrong API key or site is an error naming both settings, a wrong admin email one naming admin_email; no key is shown', async () => {
  const resources = `
resource "biaccess_periscope_role" "r" {
  name = "Reporting"
}
`;
  const wrongKey = 'wrong-key-0123456789-secret';
  for (const provider of [{ apiKey: wrongKey }, { site: 'no-such-site' }]) {
    const result = await attempt(['plan'], resources, provider);
    expect(result.code).toBe(1);
    expect(result.output).toContain('returned 401 Unauthorized: Unauthorized: invalid site or API key');
    expect(result.output).toContain('Periscope refused the site name and API key sent in HTTP-X-PARTNER-AUTH. Check periscope.site (PERISCOPE_SITE');
    expect(result.output).toContain('and periscope.api_key (PERISCOPE_API_KEY');
    expect(result.output).not.toContain(wrongKey);
    expect(result.output).not.toContain(emulator.apiKey);
  }
  const result = await attempt(['apply', '-auto-approve'], resources, { adminEmail: 'nobody@example.com' });
  expect(result.code).toBe(1);
  expect(result.output).toContain('created_by_email must be the email of a site admin');
  expect(result.output).toContain('Check periscope.admin_email (PERISCOPE_ADMIN_EMAIL): it must be the email of an existing admin of the site.');
  expect(result.output).not.toContain(emulator.apiKey);
  expect(emulator.snapshotState().roles.some((role) => role.name === 'Reporting')).toBe(false);
});
