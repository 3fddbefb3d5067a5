// Bad Sisense input gets a clear error naming the attribute or the setting and the allowed values
// (at plan time where the value is known then); nothing is written, and no secret is printed.
import { SisenseEmulator, SISENSE_ADMIN_EMAIL, SISENSE_ADMIN_PASSWORD, SISENSE_ADMIN_TOKEN, type StoredDashboard } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new SisenseEmulator();
let workspace: TerraformWorkspace;
let dashboard: StoredDashboard;
let ownerId: string;

const tokenBlock = (token = SISENSE_ADMIN_TOKEN) => `  sisense {\n    url   = "${emulator.url}"\n    token = "${token}"\n  }`;
const loginBlock = (password: string) => `  sisense {\n    url      = "${emulator.url}"\n    username = "${SISENSE_ADMIN_EMAIL}"\n    password = "${password}"\n  }`;
const state = () => emulator.snapshotState();

async function attempt(command: string[], resources: string, block = tokenBlock()) {
  workspace.write('main.tf', providerBlock(block) + resources);
  const result = await workspace.terraform(command, { allowFailure: true });
  return { ...result, output: flat(result.stdout + result.stderr) };
}

/** Terraform wraps diagnostics at 80 columns: compare with whitespace runs made single spaces. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  await emulator.start();
  ownerId = emulator.addUser('owner@example.com', { role: 'contributor', password: 'owner-password' })._id;
  dashboard = emulator.addDashboard('Sales Overview', { owner: ownerId });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', providerBlock(tokenBlock()));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('plan rejects the rule "owner", both user_id and group_id, a built-in group and a malformed id, naming each attribute and the allowed values', async () => {
  const before = state();
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_sisense_dashboard_share" "owner_rule" {
  dashboard_id = "${dashboard.oid}"
  user_id      = "${ownerId}"
  rule         = "owner"
}
resource "biaccess_sisense_dashboard_share" "both" {
  dashboard_id = "${dashboard.oid}"
  user_id      = "${ownerId}"
  group_id     = "${ownerId}"
}
resource "biaccess_sisense_group" "builtin" {
  name = "Everyone"
}
resource "biaccess_sisense_data_model_share" "bad_permission" {
  data_model_id = "sales"
  group_id      = "analysts"
  permission    = "write"
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Invalid value for "rule"');
  expect(result.output).toContain('got "owner": "rule" must be one of "view", "edit", "co-owner"');
  expect(result.output).toContain('Exactly one of "user_id", "group_id" must be set; "user_id", "group_id" are all set');
  expect(result.output).toContain('"name" must be none of "Admins", "Everyone", "All users in system" (the built-in Sisense groups');
  expect(result.output).toContain('data "biaccess_sisense_group" "everyone" { name = "Everyone" }');
  expect(result.output).toContain('"permission" must be one of "read", "use", "edit"');
  expect(result.output).toContain('"group_id" must be a Sisense id of 24 hex digits');
  expect(state()).toEqual(before);
});

test('an unknown role fails at plan listing the roles Sisense has; an unknown dashboard or group id names its attribute', async () => {
  const before = state();
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_sisense_user" "jane" {
  email = "jane@example.com"
  role  = "Superuser"
}
resource "biaccess_sisense_dashboard_share" "gone" {
  dashboard_id = "5f3a00000000000000000fff"
  user_id      = "${ownerId}"
}
resource "biaccess_sisense_group_member" "nogroup" {
  group_id = "5f3a00000000000000000ffe"
  user_id  = "${ownerId}"
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Sisense has no role "Superuser". Its roles: "super" (Sys. Admin), "admin" (Admin), "dataAdmin" (Data Admin), "dataDesigner" (Data Designer), "contributor" (Designer), "consumer" (Viewer)');
  expect(result.output).toMatch(/with biaccess_sisense_user\.jane, on main\.tf line \d+, in resource "biaccess_sisense_user" "jane": \d+: role = "Superuser"/);
  expect(result.output).toContain('Sisense has no dashboard with oid 5f3a00000000000000000fff. Look it up with data "biaccess_sisense_dashboard"');
  expect(result.output).toContain('Sisense has no group with id 5f3a00000000000000000ffe');
  expect(state()).toEqual(before);
});

test('sharing a dashboard with its owner, and creating a user whose email exists, fail at plan with what to do', async () => {
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_sisense_dashboard_share" "to_owner" {
  dashboard_id = "${dashboard.oid}"
  user_id      = "${ownerId}"
}
resource "biaccess_sisense_user" "owner_again" {
  email = "OWNER@example.com"
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain(`User ${ownerId} owns dashboard ${dashboard.oid} ("Sales Overview")`);
  expect(result.output).toContain(`A Sisense user with email "owner@example.com" already exists (id ${ownerId}). To manage that user, import it: terraform import biaccess_sisense_user.<name> ${ownerId}`);
});

test('a wrong token or a wrong password is an error naming the setting, and neither secret nor session token is printed', async () => {
  const resources = `
data "biaccess_sisense_group" "admins" {
  name = "Admins"
}
`;
  const wrongToken = await attempt(['plan'], resources, tokenBlock('not-the-token-0123456789'));
  expect(wrongToken.code).not.toBe(0);
  expect(wrongToken.output).toContain('Sisense refused the API token');
  expect(wrongToken.output).toContain('Check sisense.token (SISENSE_TOKEN)');
  expect(wrongToken.output).not.toContain('not-the-token-0123456789');

  const wrongPassword = await attempt(['plan'], resources, loginBlock('wrong-password-42'));
  expect(wrongPassword.code).not.toBe(0);
  expect(wrongPassword.output).toContain('Sisense refused the login');
  expect(wrongPassword.output).toContain('Check sisense.username and sisense.password (SISENSE_USERNAME, SISENSE_PASSWORD)');
  expect(wrongPassword.output).not.toContain('wrong-password-42');

  const right = await attempt(['plan'], resources, loginBlock(SISENSE_ADMIN_PASSWORD));
  expect(right.code).toBe(0);
  for (const secret of [SISENSE_ADMIN_PASSWORD, ...Object.keys(state().tokens)]) expect(right.output).not.toContain(secret);
});

test('a wrong URL is an error naming sisense.url, never a plan to recreate everything', async () => {
  // An apply first, so that there is state a wrong URL could make look deleted.
  const declared = `
resource "biaccess_sisense_group" "analysts" {
  name = "Analysts"
}
`;
  expect((await attempt(['apply', '-auto-approve'], declared)).code).toBe(0);
  workspace.write('main.tf', providerBlock(`  sisense {\n    url   = "${emulator.url}/sisense-app"\n    token = "${SISENSE_ADMIN_TOKEN}"\n  }`) + declared);
  const plan = await workspace.terraform(['plan'], { allowFailure: true });
  const output = flat(plan.stdout + plan.stderr);
  expect(plan.code).not.toBe(0);
  expect(output).toContain('Every sisense server answers GET /api/roles');
  expect(output).toContain('check sisense.url (SISENSE_URL)');
  expect(output).not.toContain('will be created');
  workspace.write('main.tf', providerBlock(tokenBlock()));
  await workspace.terraform(['apply', '-auto-approve']);
});
