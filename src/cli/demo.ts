// `npm start`: deploys the example stack (main.ts) with `cdktf deploy` against local Redash and
// Grafana emulators, then prints what exists in them. Everything it keeps (emulator data,
// Terraform state, synth output) lives in .demo/, so a second run changes nothing and your own
// deploys against real servers never see the demo's state.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../provider-identity';
import { GrafanaEmulator } from '../vendors/grafana/emulator';
import { RedashEmulator } from '../vendors/redash/emulator';

/** Where the demo keeps its data; BI_ACCESS_DEMO_DIR moves it (the tests use a temporary one). */
const demoDir = resolve(process.env.BI_ACCESS_DEMO_DIR ?? join(PACKAGE_ROOT, '.demo'));

async function main(): Promise<number> {
  mkdirSync(demoDir, { recursive: true });
  const redash = new RedashEmulator({ stateFile: join(demoDir, 'redash.json') });
  // Enterprise: data source permissions are an Enterprise/Cloud feature.
  const grafana = new GrafanaEmulator({ stateFile: join(demoDir, 'grafana.json'), enterprise: true });
  await Promise.all([redash.start(), grafana.start()]);
  try {
    const connection = { ...redash.connectionEnvironment(), ...grafana.connectionEnvironment() };
    await seedExistingContent(connection);
    console.log(`Redash emulator at ${connection.REDASH_URL}, Grafana emulator at ${connection.GRAFANA_URL} (data in ${demoDir})\n`);
    const code = await cdktfDeploy(connection);
    if (code !== 0) {
      console.error(`\ncdktf deploy failed (exit ${code}).`);
      return code;
    }
    console.log('\nWhat exists now in the Redash emulator:');
    for (const line of redash.describeContents()) console.log(`  ${line}`);
    console.log('\nWhat exists now in the Grafana emulator:');
    for (const line of grafana.describeContents()) console.log(`  ${line}`);
    console.log('\nRun `npm start` again: the deploy finds nothing to change.');
    return 0;
  } finally {
    await Promise.all([redash.stop(), grafana.stop()]);
  }
}

/**
 * Content that exists before any access is declared (the stack looks it up): a Redash dashboard,
 * a Grafana folder and a Grafana data source, made through the vendors' own APIs.
 */
async function seedExistingContent(connection: Record<string, string>): Promise<void> {
  const redashApi = (path: string, init: RequestInit = {}) =>
    api(`${connection.REDASH_URL}${path}`, { ...init, headers: { Authorization: `Key ${connection.REDASH_API_KEY}`, 'content-type': 'application/json' } });
  const dashboards = (await (await redashApi('/api/dashboards?q=Warehouse%20KPIs')).json()) as { results: Array<{ name: string }> };
  if (!dashboards.results.some((dashboard) => dashboard.name === 'Warehouse KPIs')) {
    await redashApi('/api/dashboards', { method: 'POST', body: JSON.stringify({ name: 'Warehouse KPIs' }) });
  }

  const grafanaApi = (path: string, init: RequestInit & { allow404?: boolean } = {}) =>
    api(`${connection.GRAFANA_URL}${path}`, {
      ...init,
      headers: { Authorization: `Basic ${Buffer.from(connection.GRAFANA_AUTH).toString('base64')}`, 'content-type': 'application/json' },
    });
  if ((await grafanaApi('/api/folders/on-call', { allow404: true })).status === 404) {
    await grafanaApi('/api/folders', { method: 'POST', body: JSON.stringify({ uid: 'on-call', title: 'On-call' }) });
  }
  if ((await grafanaApi('/api/datasources/uid/warehouse', { allow404: true })).status === 404) {
    await grafanaApi('/api/datasources', { method: 'POST', body: JSON.stringify({ uid: 'warehouse', name: 'warehouse', type: 'postgres', access: 'proxy' }) });
  }
}

async function api(url: string, init: RequestInit & { allow404?: boolean }): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok && !(init.allow404 && response.status === 404)) {
    throw new Error(`seeding the demo: ${init.method ?? 'GET'} ${new URL(url).pathname} returned ${response.status}: ${await response.text()}`);
  }
  return response;
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
