// The README's HCL examples apply as written against the emulators started as the README says
// (`bi-access emulate <vendor> --example`), with the provider executable as `bi-access install`
// puts it, and the settings in the environment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnableEmulator } from '../../src/emulator/runnable';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { findVendor } from '../../src/vendors';
import { TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulators: RunnableEmulator[] = [];
afterAll(() => Promise.all(emulators.map((emulator) => emulator.stop())));

/** What `bi-access emulate <vendor> --example` starts: the demo's emulator with its content. */
async function exampleEmulator(vendor: string): Promise<Record<string, string>> {
  const module = await findVendor(vendor)!.emulator!();
  const emulator = module.demo!.create({});
  emulators.push(emulator);
  await emulator.start();
  await module.demo!.seed(emulator);
  return emulator.connectionEnvironment();
}

test('every HCL example of the README applies as written, and a refresh after it changes nothing', async () => {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```hcl\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(examples.length).toBeGreaterThan(0);
  const env = { ...(await exampleEmulator('redash')), ...(await exampleEmulator('grafana')) };
  for (const example of examples) {
    const workspace = TerraformWorkspace.create({ env });
    try {
      workspace.write('main.tf', example);
      await workspace.terraform(['init']);
      const apply = await workspace.terraform(['apply', '-auto-approve']);
      expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'])).code).toBe(0);
    } finally {
      await workspace.remove();
    }
  }
});
