// The provider runtime under the real Terraform binary, through the test vendor's item resource.
// Steps build on each other (one working directory, one emulator), as a user's session would.
import { TestkitEmulator, TESTKIT_API_KEY } from '../support/testkit/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulator = new TestkitEmulator();
let workspace: TerraformWorkspace;
let url: string;

function configuration(resources: string, apiKey = TESTKIT_API_KEY): string {
  return providerBlock(`  testkit {\n    url     = "${url}"\n    api_key = "${apiKey}"\n  }`) + resources;
}

function item(name: string, body: string): string {
  return `resource "biaccess_testkit_item" "${name}" {\n${body}\n}\n`;
}

const itemIdIn = async (address: string) => (await workspace.stateResources()).get(address)?.id as string;

beforeAll(async () => {
  url = await emulator.start();
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(item('a', '  name = "alpha"\n  tags = { team = "data" }')));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates the object in the vendor and records it in state', async () => {
  const result = await workspace.terraform(['apply', '-auto-approve']);
  expect(result.stdout).toContain('1 added, 0 changed, 0 destroyed');
  const id = await itemIdIn('biaccess_testkit_item.a');
  expect(emulator.items[id]).toMatchObject({ name: 'alpha', kind: 'basic', size: 1, enabled: true, tags: { team: 'data' } });
});

test('a second plan after apply shows no changes', async () => {
  const result = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(result.stdout).toContain('No changes');
});

test('changing an in-place attribute updates in place and keeps the id', async () => {
  const before = await itemIdIn('biaccess_testkit_item.a');
  workspace.write('main.tf', configuration(item('a', '  name = "alpha-renamed"\n  size = 2.5\n  tags = { team = "data" }')));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('will be updated in-place');
  expect(plan.stdout).toMatch(/name\s+= "alpha" -> "alpha-renamed"/);
  await workspace.terraform(['apply', '-auto-approve']);
  expect(await itemIdIn('biaccess_testkit_item.a')).toBe(before);
  expect(emulator.items[before]).toMatchObject({ name: 'alpha-renamed', size: 2.5 });
});

test('changing a force-new attribute replaces the object', async () => {
  const before = await itemIdIn('biaccess_testkit_item.a');
  workspace.write('main.tf', configuration(item('a', '  name = "alpha-renamed"\n  size = 2.5\n  kind = "premium"\n  tags = { team = "data" }')));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('must be replaced');
  expect(plan.stdout).toMatch(/kind\s+= "basic" -> "premium" # forces replacement/);
  await workspace.terraform(['apply', '-auto-approve']);
  const after = await itemIdIn('biaccess_testkit_item.a');
  expect(after).not.toBe(before);
  expect(emulator.items[before]).toBeUndefined();
  expect(emulator.items[after]).toMatchObject({ kind: 'premium', name: 'alpha-renamed' });
});

test('a change made behind Terraform\'s back shows in plan -refresh-only and the next apply restores it', async () => {
  const id = await itemIdIn('biaccess_testkit_item.a');
  emulator.items[id].name = 'renamed-by-hand';
  emulator.items[id].tags = { team: 'data', extra: 'by-hand' };
  const refreshOnly = await workspace.terraform(['plan', '-refresh-only']);
  expect(refreshOnly.stdout).toContain('Objects have changed outside of Terraform');
  expect(refreshOnly.stdout).toMatch(/name\s+= "alpha-renamed" -> "renamed-by-hand"/);
  const apply = await workspace.terraform(['apply', '-auto-approve']);
  expect(apply.stdout).toContain('0 added, 1 changed, 0 destroyed');
  expect(emulator.items[id]).toMatchObject({ name: 'alpha-renamed', tags: { team: 'data' } });
});

test('an object deleted behind Terraform\'s back is recreated', async () => {
  const id = await itemIdIn('biaccess_testkit_item.a');
  delete emulator.items[id];
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('will be created');
  await workspace.terraform(['apply', '-auto-approve']);
  const recreated = await itemIdIn('biaccess_testkit_item.a');
  expect(recreated).not.toBe(id);
  expect(emulator.items[recreated]).toMatchObject({ name: 'alpha-renamed', kind: 'premium' });
});

test('terraform import brings an existing object under management', async () => {
  const id = await itemIdIn('biaccess_testkit_item.a');
  const made = await makeItemByHand('imported-by-cli');
  workspace.write(
    'main.tf',
    configuration(
      item('a', '  name = "alpha-renamed"\n  size = 2.5\n  kind = "premium"\n  tags = { team = "data" }') +
        item('cli', '  name = "imported-by-cli"\n  size = 3'),
    ),
  );
  const result = await workspace.terraform(['import', 'biaccess_testkit_item.cli', made]);
  expect(result.stdout).toContain('Import successful');
  const state = await workspace.stateResources();
  expect(state.get('biaccess_testkit_item.cli')).toMatchObject({ id: made, name: 'imported-by-cli', size: 3, kind: 'basic' });
  expect(state.get('biaccess_testkit_item.a')?.id).toBe(id);
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.stdout).toContain('No changes');
});

test('an import block imports during apply', async () => {
  const made = await makeItemByHand('imported-by-block');
  workspace.write(
    'main.tf',
    configuration(
      item('a', '  name = "alpha-renamed"\n  size = 2.5\n  kind = "premium"\n  tags = { team = "data" }') +
        item('cli', '  name = "imported-by-cli"\n  size = 3') +
        item('block', '  name = "imported-by-block"\n  size = 3') +
        `import {\n  to = biaccess_testkit_item.block\n  id = "${made}"\n}\n`,
    ),
  );
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('will be imported');
  expect(plan.stdout).toContain('1 to import, 0 to add, 0 to change, 0 to destroy');
  await workspace.terraform(['apply', '-auto-approve']);
  expect((await workspace.stateResources()).get('biaccess_testkit_item.block')).toMatchObject({ id: made });
});

test('a refresh of many objects shares one list call', async () => {
  emulator.clearRequestLog();
  await workspace.terraform(['plan', '-refresh-only']);
  // Three items in state, each read served from one shared GET /items in the planning process.
  expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(1);
});

test('destroy removes every object from the vendor', async () => {
  await workspace.terraform(['destroy', '-auto-approve']);
  expect(Object.keys(emulator.items)).toEqual([]);
  expect((await workspace.stateResources()).size).toBe(0);
});

async function makeItemByHand(name: string): Promise<string> {
  const response = await fetch(`${url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TESTKIT_API_KEY },
    body: JSON.stringify({ name, size: 3 }),
  });
  return ((await response.json()) as { id: string }).id;
}
