// Bad Redash input gets a clear error naming the attribute or the fix (at plan time where the
// value is known then), and a failed apply leaves nothing half-written: state matches Redash.
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new RedashEmulator();
let workspace: TerraformWorkspace;

const redashBlock = (apiKey = REDASH_ADMIN_API_KEY) => `  redash {\n    url     = "${emulator.url}"\n    api_key = "${apiKey}"\n  }`;
const state = () => emulator.snapshotState();

async function redash(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Key ${REDASH_ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

async function attempt(command: string[], resources: string, apiKey?: string) {
  workspace.write('main.tf', providerBlock(redashBlock(apiKey)) + resources);
  const result = await workspace.terraform(command, { allowFailure: true });
  return { ...result, output: flat(result.stdout + result.stderr) };
}

/** Terraform wraps diagnostics at 80 columns: compare with whitespace runs made single spaces. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  await emulator.start();
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', providerBlock(redashBlock()));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('plan rejects a malformed email, a built-in group, a non-numeric id and two dashboard keys, naming each attribute', async () => {
  const before = state();
  const result = await attempt(
    ['plan'],
    `
resource "biaccess_redash_user" "typo" {
  email = "jane.example.com"
  name  = "Jane"
}
resource "biaccess_redash_group" "builtin" {
  name = "default"
}
resource "biaccess_redash_group_member" "bad_id" {
  group_id = "analysts"
  user_id  = "7"
}
data "biaccess_redash_dashboard" "both" {
  id   = "1"
  name = "Sales"
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Invalid value for "email"');
  expect(result.output).toContain('"email" must be an email address such as "jane@example.com"');
  expect(result.output).toContain('Invalid value for "name"');
  expect(result.output).toContain('"name" must be none of "admin", "default" (the built-in Redash groups, which this resource does not manage; refer to them with data "biaccess_redash_group" { name = "default" })');
  expect(result.output).toContain('"group_id" must be a numeric Redash id such as "12"');
  expect(result.output).toContain('Exactly one of "id", "slug", "name" must be set');
  expect(state()).toEqual(before);
});

test('an unknown group id fails at plan naming group_id, before anything is created', async () => {
  const erin = `
resource "biaccess_redash_user" "erin" {
  email = "erin@example.com"
  name  = "Erin"
}
`;
  const result = await attempt(
    ['apply', '-auto-approve'],
    erin +
      `
resource "biaccess_redash_group_member" "erin_ghost" {
  group_id = "999"
  user_id  = biaccess_redash_user.erin.id
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Planning biaccess_redash_group_member failed');
  expect(result.output).toContain('Redash has no group with id 999');
  expect(result.output).toMatch(/with biaccess_redash_group_member\.erin_ghost,[\s\S]*group_id = "999"/);
  expect(result.output).not.toContain('Apply complete');
  expect([...(await workspace.stateResources()).keys()]).toEqual([]);
  expect(state().users.find((user) => user.email === 'erin@example.com')).toBeUndefined();

  // Without the bad membership the user is created, in `default` only.
  await attempt(['apply', '-auto-approve'], erin);
  const resources = await workspace.stateResources();
  const created = state().users.find((user) => user.email === 'erin@example.com')!;
  expect(resources.get('biaccess_redash_user.erin')?.id).toBe(String(created.id));
  expect(created.groups).toEqual([2]);
});

test('a refused API key fails with the fix and never reads as "deleted": state is kept, Redash untouched, the key not printed', async () => {
  const before = state();
  const wrongKey = 'wrong-redash-key-must-not-leak';
  const resources = `
resource "biaccess_redash_user" "erin" {
  email = "erin@example.com"
  name  = "Erin"
}
`;
  const plan = await attempt(['plan'], resources, wrongKey);
  expect(plan.code).not.toBe(0);
  expect(plan.output).toContain('Reading biaccess_redash_user failed');
  expect(plan.output).toContain('Redash refused the API key');
  expect(plan.output).toContain('REDASH_API_KEY');
  expect(plan.output).not.toContain(wrongKey);
  expect(plan.output).not.toContain('will be created');
  expect([...(await workspace.stateResources()).keys()]).toEqual(['biaccess_redash_user.erin']);
  expect(state()).toEqual(before);
});

test('creating a user whose email exists (even disabled) fails and says how to import it; the import then works', async () => {
  const taken = await redash('POST', '/api/users', { name: 'Frank', email: 'frank@example.com' });
  await redash('POST', `/api/users/${taken.id}/disable`);
  const resources = `
resource "biaccess_redash_user" "erin" {
  email = "erin@example.com"
  name  = "Erin"
}
resource "biaccess_redash_user" "frank" {
  email = "Frank@example.com"
  name  = "Frank"
}
`;
  const result = await attempt(['apply', '-auto-approve'], resources);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain(`A Redash user with email "frank@example.com" already exists (id ${taken.id}, disabled)`);
  expect(result.output).toContain('terraform import biaccess_redash_user.<name> frank@example.com');
  expect(state().users.filter((user) => user.email === 'frank@example.com')).toHaveLength(1);

  const imported = await workspace.terraform(['import', 'biaccess_redash_user.frank', 'frank@example.com']);
  expect(imported.stdout).toContain('Import successful');
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toMatch(/biaccess_redash_user\.frank will be updated in-place[\s\S]*disabled\s+= true -> false/);
  await workspace.terraform(['apply', '-auto-approve']);
  expect(state().users.find((user) => user.id === taken.id)!.disabled_at).toBeNull();
});

test('malformed import IDs, a built-in group and a missing object are refused with the expected form or the reason', async () => {
  const resources = `
resource "biaccess_redash_user" "x" {
  email = "x@example.com"
  name  = "X"
}
resource "biaccess_redash_group_member" "x" {
  group_id = "1"
  user_id  = "1"
}
resource "biaccess_redash_group" "x" {
  name = "x"
}
`;
  workspace.write('main.tf', providerBlock(redashBlock()) + resources);
  const badUser = await workspace.terraform(['import', 'biaccess_redash_user.x', 'not-an-email'], { allowFailure: true });
  expect(badUser.code).not.toBe(0);
  expect(flat(badUser.stdout + badUser.stderr)).toContain('Invalid import ID');
  expect(flat(badUser.stdout + badUser.stderr)).toContain('Expected a numeric Redash user id or an email address, got "not-an-email"');
  expect(flat(badUser.stdout + badUser.stderr)).toContain('imported by `id | email`');

  const badMember = await workspace.terraform(['import', 'biaccess_redash_group_member.x', '2'], { allowFailure: true });
  expect(flat(badMember.stdout + badMember.stderr)).toContain('Expected an import ID of the form "group_id/user_id" with numeric Redash ids');

  const builtIn = await workspace.terraform(['import', 'biaccess_redash_group.x', '1'], { allowFailure: true });
  expect(builtIn.code).not.toBe(0);
  expect(flat(builtIn.stdout + builtIn.stderr)).toContain(`Group 1 is Redash's built-in "admin" group, which biaccess_redash_group does not manage`);
  expect(flat(builtIn.stdout + builtIn.stderr)).toContain('data "biaccess_redash_group"');

  const missing = await workspace.terraform(['import', 'biaccess_redash_group.x', '4242'], { allowFailure: true });
  expect(flat(missing.stdout + missing.stderr)).toContain('Cannot import non-existent remote object');

  const unknownEmail = await workspace.terraform(['import', 'biaccess_redash_user.x', 'nobody@example.com'], { allowFailure: true });
  expect(flat(unknownEmail.stdout + unknownEmail.stderr)).toContain('Redash has no user with email "nobody@example.com"');
});

test('data source options of the wrong type or an unknown type fail naming the attribute; nothing is created and the secret is not printed', async () => {
  const before = state();
  const result = await attempt(
    ['apply', '-auto-approve'],
    `
resource "biaccess_redash_user" "erin" {
  email = "erin@example.com"
  name  = "Erin"
}
resource "biaccess_redash_user" "frank" {
  email = "Frank@example.com"
  name  = "Frank"
}
variable "typed_password" {
  type      = string
  sensitive = true
  default   = "hunter2-secret"
}
resource "biaccess_redash_data_source" "typed" {
  name    = "typed"
  type    = "pg"
  options = { dbname = "x", port = "five-four-three-two", password = var.typed_password }
}
resource "biaccess_redash_data_source" "unknown" {
  name    = "unknown"
  type    = "postgres"
  options = { dbname = "x" }
}
`,
  );
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('options.port must be a number (e.g. "5432") for data source type "pg"');
  expect(result.output).toMatch(/Redash has no data source type "postgres"\. This Redash knows: "pg", "mysql"/);
  expect(result.output).toMatch(/with biaccess_redash_data_source\.unknown,[\s\S]*type\s+= "postgres"/);
  expect(result.output).not.toContain('hunter2-secret');
  expect(state()).toEqual(before);
});

test('an ambiguous group name in the data source lists the ids; a group name already taken cannot be created', async () => {
  const first = await redash('POST', '/api/groups', { name: 'twins' });
  const second = await redash('POST', '/api/groups', { name: 'twins' });
  const lookup = await attempt(['plan'], `data "biaccess_redash_group" "twins" {\n  name = "twins"\n}\n`);
  expect(lookup.code).not.toBe(0);
  expect(lookup.output).toContain(`Redash has 2 groups named "twins" (ids ${first.id}, ${second.id})`);

  const before = state();
  const create = await attempt(['apply', '-auto-approve'], `resource "biaccess_redash_group" "twins" {\n  name = "twins"\n}\n`);
  expect(create.code).not.toBe(0);
  expect(create.output).toContain(`Redash already has a group named "twins" (id ${first.id}, ${second.id})`);
  expect(create.output).toContain(`terraform import biaccess_redash_group.<name> ${first.id}`);
  // The users of the earlier steps were destroyed by this apply (no longer declared); no group was added.
  expect(state().groups).toEqual(before.groups);
});
