// `npm start`: deploys the example stack (main.ts) with `cdktf deploy` against local emulators
// of the vendors it declares access in, then prints what exists in them. Everything it keeps
// (emulator data, Terraform state, synth output) lives in .demo/, so a second run changes nothing
// and your own deploys against real servers never see the demo's state.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunnableEmulator } from '../emulator/runnable';
import { PACKAGE_ROOT } from '../provider-identity';
import { vendors } from '../vendors';

/** Where the demo keeps its data; BI_ACCESS_DEMO_DIR moves it (the tests use a temporary one). */
const demoDir = resolve(process.env.BI_ACCESS_DEMO_DIR ?? join(PACKAGE_ROOT, '.demo'));

interface DemoVendor {
  name: string;
  emulator: RunnableEmulator;
  seed(emulator: RunnableEmulator): Promise<void>;
}

/** Terraform's version, or undefined when there is no terraform on PATH. */
function terraformVersion(): string | undefined {
  const result = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (result.error || result.status !== 0) return undefined;
  try {
    return (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  // cdktf would otherwise fail deep inside with a stack trace.
  const version = terraformVersion();
  if (version === undefined) {
    console.error('npm start needs Terraform >= 1.5 on PATH, and there is no terraform there: install it (https://developer.hashicorp.com/terraform/install) and run npm start again.');
    return 1;
  }
  const [major, minor] = version.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 5)) {
    console.error(`npm start needs Terraform >= 1.5, and the terraform on PATH is ${version}: install a newer one and run npm start again.`);
    return 1;
  }
  mkdirSync(demoDir, { recursive: true });
  const parts: DemoVendor[] = [];
  for (const vendor of vendors) {
    const demo = vendor.emulator && (await vendor.emulator()).demo;
    if (demo) parts.push({ name: vendor.name, emulator: demo.create({ stateFile: join(demoDir, `${vendor.name}.json`) }), seed: demo.seed });
  }
  const urls = await Promise.all(parts.map((part) => part.emulator.start()));
  try {
    const connection: Record<string, string> = {};
    for (const part of parts) {
      // Content that exists before any access is declared (the stack looks it up).
      await part.seed(part.emulator);
      Object.assign(connection, part.emulator.connectionEnvironment());
    }
    console.log(`Emulators: ${parts.map((part, index) => `${part.name} at ${urls[index]}`).join(', ')} (data in ${demoDir})\n`);
    const code = await cdktfDeploy(connection);
    if (code !== 0) {
      console.error(`\ncdktf deploy failed (exit ${code}).`);
      return code;
    }
    for (const part of parts) {
      console.log(`\nWhat exists now in the ${part.name} emulator:`);
      for (const line of part.emulator.describeContents()) console.log(`  ${line}`);
    }
    console.log('\nRun `npm start` again: the deploy finds nothing to change.');
    return 0;
  } finally {
    await Promise.all(parts.map((part) => part.emulator.stop()));
  }
}

function cdktfDeploy(connection: Record<string, string>): Promise<number> {
  const cdktf = join(PACKAGE_ROOT, 'node_modules', '.bin', 'cdktf');
  const args = ['deploy', '--auto-approve', '--output', join(demoDir, 'cdktf.out')];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...connection,
    BI_ACCESS_STATE_FILE: join(demoDir, 'terraform.tfstate'),
    CHECKPOINT_DISABLE: '1', // no version check: the demo runs offline
  };
  // A TF_CLI_CONFIG_FILE naming a missing file configures nothing but makes every terraform
  // command print a warning; the demo needs no CLI configuration, so give it an empty one.
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) {
    env.TF_CLI_CONFIG_FILE = join(demoDir, 'terraformrc');
    writeFileSync(env.TF_CLI_CONFIG_FILE, '');
  }
  return new Promise((done, fail) => {
    const child = spawn(cdktf, args, { cwd: PACKAGE_ROOT, env, stdio: 'inherit' });
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
