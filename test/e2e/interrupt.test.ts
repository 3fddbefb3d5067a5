// Ctrl-C during apply: Terraform and the provider both receive SIGINT (same process group).
// The provider must not die mid-apply; afterwards state lists exactly what the vendor has.
import { TestkitEmulator } from '../support/testkit/emulator';
import { TESTKIT_API_KEY } from '../support/testkit/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulator = new TestkitEmulator();
let workspace: TerraformWorkspace;

beforeAll(async () => {
  const url = await emulator.start();
  workspace = TerraformWorkspace.create();
  const items = Array.from({ length: 12 }, (_, i) => `resource "biaccess_testkit_item" "i${i}" {\n  name = "item-${i}"\n}\n`);
  workspace.write('main.tf', providerBlock(`  testkit {\n    url     = "${url}"\n    api_key = "${TESTKIT_API_KEY}"\n  }`) + items.join(''));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  workspace?.remove();
  await emulator.stop();
});

test('interrupting an apply leaves state that matches the vendor', async () => {
  emulator.setFaults({ latencyMs: 400 });
  const { child, done } = workspace.spawnTerraform(['apply', '-auto-approve', '-parallelism=2']);
  await waitFor(() => Object.keys(emulator.items).length >= 2, 60_000);
  process.kill(-child.pid!, 'SIGINT'); // the whole group, as a terminal's Ctrl-C does
  const result = await done;
  emulator.setFaults({ latencyMs: 0 });

  expect(result.stdout + result.stderr).toMatch(/Interrupt received|operation canceled|Stopping/i);
  const inVendor = Object.values(emulator.items).map((item) => item.id).sort();
  const inState = [...(await workspace.stateResources()).values()].map((values) => values.id as string).sort();
  expect(inVendor.length).toBeGreaterThanOrEqual(2);
  expect(inVendor.length).toBeLessThan(12); // the interrupt really stopped the apply part-way
  expect(inState).toEqual(inVendor);

  // A later apply finishes the job without duplicates.
  await workspace.terraform(['apply', '-auto-approve']);
  expect(Object.keys(emulator.items)).toHaveLength(12);
  expect(new Set(Object.values(emulator.items).map((item) => item.name)).size).toBe(12);
});

test('Ctrl-C while the vendor answers 503 ends within 5 s: retries stop instead of running out their budget; state matches the vendor', async () => {
  await workspace.terraform(['destroy', '-auto-approve']);
  emulator.setFaults({ latencyMs: 400 });
  const { child, done } = workspace.spawnTerraform(['apply', '-auto-approve', '-parallelism=2']);
  await waitFor(() => Object.keys(emulator.items).length >= 2, 60_000);
  // The vendor now fails every request with 503; the client would retry each for up to 20 s.
  emulator.setFaults({ failureRate: 1, failureStatuses: [503] });
  await new Promise((resolve) => setTimeout(resolve, 300)); // requests are failing and being retried
  const interruptedAt = Date.now();
  process.kill(-child.pid!, 'SIGINT');
  const result = await done;
  const tookMs = Date.now() - interruptedAt;
  emulator.clearFaults();

  expect(result.stdout + result.stderr).toMatch(/Interrupt received|operation canceled|Stopping/i);
  expect(tookMs).toBeLessThan(5000);
  const inVendor = Object.values(emulator.items).map((item) => item.id).sort();
  const inState = [...(await workspace.stateResources()).values()].map((values) => values.id as string).sort();
  expect(inVendor.length).toBeGreaterThanOrEqual(2);
  expect(inState).toEqual(inVendor);
  console.log(`Ctrl-C against a vendor answering 503: terraform exited ${tookMs} ms after the interrupt`);

  await workspace.terraform(['apply', '-auto-approve']);
  expect(Object.keys(emulator.items)).toHaveLength(12);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the apply to start creating objects');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
