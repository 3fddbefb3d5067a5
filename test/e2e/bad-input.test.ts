// Bad input is rejected at plan time with the attribute path and the allowed values, and
// secrets stay out of what Terraform prints.
import { TestkitEmulator, TESTKIT_API_KEY } from '../support/testkit/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulator = new TestkitEmulator();
let workspace: TerraformWorkspace;
let url: string;

const testkitBlock = (apiKey = TESTKIT_API_KEY) => `  testkit {\n    url     = "${url}"\n    api_key = "${apiKey}"\n  }`;

async function planOf(resources: string, vendorBlock = testkitBlock()) {
  workspace.write('main.tf', providerBlock(vendorBlock) + resources);
  const result = await workspace.terraform(['plan'], { allowFailure: true });
  return { ...result, output: result.stdout + result.stderr };
}

beforeAll(async () => {
  url = await emulator.start();
  workspace = TerraformWorkspace.create();
  workspace.write('main.tf', providerBlock(testkitBlock()));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  workspace?.remove();
  await emulator.stop();
});

test('a value of the wrong type names the attribute', async () => {
  const result = await planOf('resource "biaccess_testkit_item" "x" {\n  name = "x"\n  size = "large"\n}\n');
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Incorrect attribute value type');
  expect(result.output).toMatch(/size = "large"/);
  expect(result.output).toContain('a number is required');
});

test('a missing required attribute names the attribute', async () => {
  const result = await planOf('resource "biaccess_testkit_item" "x" {\n  size = 2\n}\n');
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('The argument "name" is required');
});

test('a value outside the allowed set names the attribute and lists the allowed values', async () => {
  const result = await planOf('resource "biaccess_testkit_item" "x" {\n  name = "x"\n  kind = "gold"\n}\n');
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Invalid value for "kind"');
  expect(result.output).toContain('"kind" must be one of "basic", "premium"');
  expect(result.output).toMatch(/on main\.tf line \d+, in resource "biaccess_testkit_item" "x":\s*\n\s*\d+:\s+kind = "gold"/);
});

test('a resource whose vendor is not configured fails at plan, naming the block, attribute and variable', async () => {
  const result = await planOf('resource "biaccess_testkit_item" "x" {\n  name = "x"\n}\n', '');
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Missing testkit configuration');
  expect(result.output).toContain('testkit.url is not set');
  expect(result.output).toContain('TESTKIT_URL');
  expect(Object.keys(emulator.items)).toEqual([]);
});

test('environment variables stand in for the vendor block', async () => {
  workspace.write('main.tf', providerBlock('') + 'data "biaccess_testkit_item" "x" {\n  name = "nothing-has-this-name"\n}\n');
  const result = await workspace.terraform(['plan'], {
    allowFailure: true,
    env: { TESTKIT_URL: url, TESTKIT_API_KEY: TESTKIT_API_KEY },
  });
  // Configured from the environment, the data source reaches the API and reports what it found.
  expect(result.stdout + result.stderr).toContain('expected one item named "nothing-has-this-name", found 0');
});

test('a malformed import ID is rejected with the expected format', async () => {
  workspace.write('main.tf', providerBlock(testkitBlock()) + 'resource "biaccess_testkit_item" "x" {\n  name = "x"\n}\n');
  const result = await workspace.terraform(['import', 'biaccess_testkit_item.x', 'a/b'], { allowFailure: true });
  expect(result.code).not.toBe(0);
  expect(result.stdout + result.stderr).toContain('Invalid import ID');
  expect(result.stdout + result.stderr).toContain('Expected an import ID of the form "id", got "a/b"');
});

test('importing an object that does not exist says so', async () => {
  const result = await workspace.terraform(['import', 'biaccess_testkit_item.x', '999'], { allowFailure: true });
  expect(result.code).not.toBe(0);
  expect(result.stdout + result.stderr).toContain('Cannot import non-existent remote object');
});

test('a wrong API key fails with the vendor message and never prints the key', async () => {
  const wrongKey = 'wrong-key-that-must-not-leak';
  const result = await planOf('resource "biaccess_testkit_item" "x" {\n  name = "x"\n}\n', testkitBlock(wrongKey));
  // Plan of a new object makes no API call; apply does.
  expect(result.code).toBe(0);
  const apply = await workspace.terraform(['apply', '-auto-approve'], { allowFailure: true });
  const output = apply.stdout + apply.stderr;
  expect(apply.code).not.toBe(0);
  expect(output).toContain('Creating biaccess_testkit_item failed');
  // The create looks at the items of its name first (to recognise its own item after a lost answer).
  expect(output).toContain('GET /items?name=x returned 401');
  expect(output).toContain('bad api key');
  expect(output).not.toContain(wrongKey);
  expect(Object.keys(emulator.items)).toEqual([]);
  expect((await workspace.stateResources()).size).toBe(0);
});

test('sensitive values never appear in plan output', async () => {
  const secret = 'do-not-print-this-secret';
  const result = await planOf(`resource "biaccess_testkit_item" "x" {\n  name   = "x"\n  secret = "${secret}"\n}\n`);
  expect(result.code).toBe(0);
  expect(result.output).toContain('secret     = (sensitive value)');
  expect(result.output).not.toContain(secret);
  expect(result.output).not.toContain(TESTKIT_API_KEY);
});
