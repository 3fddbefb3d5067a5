// cdktf deploy / diff / destroy of an app using BiAccessProvider and generated constructs, with
// no flags or configuration beyond what a user writes: the provider installs itself at synth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { TestkitEmulator, TESTKIT_API_KEY } from '../support/testkit/emulator';
import { run, terraformEnvironment } from '../support/terraform';

jest.setTimeout(240_000);

const emulator = new TestkitEmulator();
let dir: string;
let env: NodeJS.ProcessEnv;

async function cdktf(args: string[]) {
  const result = await run(join(PACKAGE_ROOT, 'node_modules', '.bin', 'cdktf'), args, { cwd: dir, env });
  if (result.code !== 0) throw new Error(`cdktf ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  // cdktf colours Terraform's output whatever NO_COLOR says.
  return stripVTControlCharacters(result.stdout + result.stderr);
}

const itemsNamed = (name: string) => Object.values(emulator.items).filter((item) => item.name === name);

beforeAll(async () => {
  const url = await emulator.start();
  dir = mkdtempSync(join(tmpdir(), 'biaccess-cdktf-'));
  env = {
    ...terraformEnvironment(dir, { TESTKIT_URL: url, TESTKIT_API_KEY, CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1', DISABLE_VERSION_CHECK: 'true' }),
    HOME: dir, // cdktf keeps its own config and telemetry id under HOME
  };
  writeFileSync(
    join(dir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `node ${join(PACKAGE_ROOT, 'dist', 'test', 'support', 'testkit', 'cdktf-app.js')}`,
      terraformProviders: [],
      sendCrashReports: false,
    }),
  );
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emulator.stop();
});

test('cdktf deploy creates the declared objects', async () => {
  const output = await cdktf(['deploy', '--auto-approve']);
  expect(output).toContain('Apply complete! Resources: 2 added');
  expect(itemsNamed('parent')).toHaveLength(1);
  expect(itemsNamed('parent-child')[0]).toMatchObject({ size: 2 });
});

test('cdktf diff shows a change made in the vendor by hand', async () => {
  itemsNamed('parent-child')[0].size = 7;
  const output = await cdktf(['diff']);
  expect(output).toMatch(/size\s+= 7 -> 2/);
  expect(output).toContain('1 to change');
});

test('cdktf destroy removes everything', async () => {
  const output = await cdktf(['destroy', '--auto-approve']);
  expect(output).toContain('Destroy complete! Resources: 2 destroyed');
  expect(Object.keys(emulator.items)).toEqual([]);
});
