// `npm run bench`: what the provider costs on this machine, measured in this run.
//   1. time to handshake and resident memory of one provider process (test and production entry);
//   2. terraform apply (create N) and a no-op plan with refresh over N objects, biaccess versus
//      Terraform's built-in terraform_data (the floor: same core work, no provider process).
// Informational, not a test: it exits 0 whether or not the targets are met, 1 only on errors.
// Options (after `npm run bench --`): --handshake-only skips 2; --handshake-runs N (default 9);
// --compare ENTRY adds another provider entry (e.g. an older build's) to the interleaved starts.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { providerBlock, run, TerraformWorkspace } from '../support/terraform';
import { TESTKIT_API_KEY, TestkitEmulator } from '../support/testkit/emulator';
import {
  BenchError,
  handshakeEnvironment,
  measureHandshake,
  machineBusyCpuSeconds,
  reapedChildrenCpuSeconds,
  ProviderUsageSampler,
  type HandshakeSample,
  type ProviderUsageReport,
} from './provider-processes';
import { snapshotBuild, type BuildSnapshot } from './build-snapshot';

const options = parseArgs({
  options: { 'handshake-only': { type: 'boolean' }, 'handshake-runs': { type: 'string' }, compare: { type: 'string' } },
}).values;
const HANDSHAKE_RUNS = Number(options['handshake-runs'] ?? 9);
const RESOURCE_COUNTS = [100, 1000];
const PLAN_RUNS = 5;
/** In the command line of the providers terraform starts here (the testkit build's entry file). */
const PROVIDER_COMMAND_MARKER = 'provider-main.js';

const TARGET_HANDSHAKE_MS = 300;
const TARGET_PLAN_RATIO = 2;
const TARGET_PLAN_COUNT = 1000;

type Operation = 'apply' | 'plan';

interface TimedRow {
  count: number;
  operation: Operation;
  /** One entry per run: wall time, and CPU time of terraform plus its providers. */
  biaccessSeconds: number[];
  floorSeconds: number[];
  biaccessCpuSeconds: number[];
  floorCpuSeconds: number[];
  /** CPU the rest of the machine used during this row's runs (both sides), and their total wall time. */
  otherCpuSeconds: number;
  wallSeconds: number;
}

function emptyRow(count: number, operation: Operation): TimedRow {
  return { count, operation, biaccessSeconds: [], floorSeconds: [], biaccessCpuSeconds: [], floorCpuSeconds: [], otherCpuSeconds: 0, wallSeconds: 0 };
}

function addRun(row: TimedRow, biaccess: TimedResult, floor: TimedResult): void {
  row.biaccessSeconds.push(biaccess.seconds);
  row.floorSeconds.push(floor.seconds);
  row.biaccessCpuSeconds.push(biaccess.cpuSeconds);
  row.floorCpuSeconds.push(floor.cpuSeconds);
  row.otherCpuSeconds += biaccess.otherCpuSeconds + floor.otherCpuSeconds;
  row.wallSeconds += biaccess.seconds + floor.seconds;
}

async function main(): Promise<void> {
  const benchStartedAt = performance.now();
  const terraformVersion = await readTerraformVersion();
  const build = await snapshotBuild();
  try {
    printMachine(terraformVersion, build);
    await measure(build);
  } finally {
    build.remove();
  }
  console.log(`\nBench wall time: ${seconds(performance.now() - benchStartedAt)} s; load average at the end ${loadAverage()}`);
}

async function measure(build: BuildSnapshot): Promise<void> {
  section('Provider time to handshake (spawn → handshake line on stdout)');
  const handshakes = await measureHandshakes(build);
  printHandshakes(handshakes);
  if (options['handshake-only']) return;

  section('Terraform wall times (default parallelism 10; terraform init done before timing)');
  const emulator = new TestkitEmulator();
  const workspaces: TerraformWorkspace[] = [];
  const rows: TimedRow[] = [];
  const listReadsDuringPlan = new Map<number, number>();
  const stateSizes = new Map<number, { biaccess: number; floor: number }>();
  let planUsage: ProviderUsageReport | undefined;
  let applyUsage: ProviderUsageReport | undefined;
  try {
    const url = await emulator.start();
    for (const count of RESOURCE_COUNTS) {
      emulator.resetState(); // each count starts from an empty vendor, as its workspaces start from empty state
      const biaccess = TerraformWorkspace.create({ entry: build.testkitEntry });
      const floor = TerraformWorkspace.create({ entry: build.testkitEntry }); // installed but unused
      workspaces.push(biaccess, floor);
      biaccess.write('main.tf', biaccessConfiguration(url, count));
      floor.write('main.tf', floorConfiguration(count));
      await Promise.all([biaccess.terraform(['init']), floor.terraform(['init'])]);
      progress(`N=${count}: initialised; applying`);

      // Apply runs once per count: repeating it would need a destroy or a fresh vendor each time.
      // The /proc sampler runs during the big apply; its own cost is printed with the figures.
      const sampleProviders = count === TARGET_PLAN_COUNT;
      const biaccessApply = await timedTerraform(biaccess, ['apply', '-auto-approve'], sampleProviders);
      const floorApply = await timedTerraform(floor, ['apply', '-auto-approve']);
      stateSizes.set(count, { biaccess: stateFileBytes(biaccess), floor: stateFileBytes(floor) });
      const created = Object.keys(emulator.items).length;
      if (created !== count) throw new BenchError(`apply created ${created} items in the emulator, expected ${count}`);
      const applyRow = emptyRow(count, 'apply');
      addRun(applyRow, biaccessApply, floorApply);
      rows.push(applyRow);
      if (sampleProviders) applyUsage = biaccessApply.providerUsage;
      progress(`N=${count}: applied; planning ${PLAN_RUNS}× each`);

      // A no-op plan changes nothing, so it can be repeated; alternate the two sides.
      const planRow = emptyRow(count, 'plan');
      for (let run = 0; run < PLAN_RUNS; run++) {
        emulator.clearRequestLog();
        const biaccessPlan = await timedTerraform(biaccess, ['plan']);
        if (run === 0) listReadsDuringPlan.set(count, emulator.countRequests({ method: 'GET', path: '/items' }));
        const otherRequests = emulator.countRequests() - emulator.countRequests({ method: 'GET', path: '/items' });
        if (otherRequests > 0) progress(`N=${count}: note: ${otherRequests} emulator requests other than GET /items during a plan`);
        const floorPlan = await timedTerraform(floor, ['plan']);
        assertNoChanges('biaccess', biaccessPlan);
        assertNoChanges('terraform_data', floorPlan);
        addRun(planRow, biaccessPlan, floorPlan);
      }
      rows.push(planRow);
      // Provider memory and CPU on one extra, untimed plan, so the sampler cannot skew the timed ones.
      if (sampleProviders) planUsage = (await timedTerraform(biaccess, ['plan'], true)).providerUsage;
    }
  } finally {
    // The emulator keeps its items in memory only, so stopping it and deleting the workspaces
    // (state included) is a complete clean-up; a destroy of 1000 objects would only cost time.
    await emulator.stop();
    for (const workspace of workspaces) workspace.remove();
  }

  printTimes(rows, listReadsDuringPlan, stateSizes);
  printProviderUsage(handshakes, applyUsage, planUsage);
  printTargets(handshakes, rows);
}

// ---------------------------------------------------------------------------------------------
// Handshake

interface EntryHandshakes {
  label: string;
  entry: string;
  samples: HandshakeSample[];
}

interface HandshakeMeasurements {
  entries: EntryHandshakes[];
  /** Share of one core the rest of the machine used while we measured. */
  otherCoreShare: number;
  /** Average CPU (user + system) one provider process used from spawn to handshake. */
  cpuSecondsPerStart: number;
}

async function measureHandshakes(build: BuildSnapshot): Promise<HandshakeMeasurements> {
  const entries: EntryHandshakes[] = [
    { label: 'testkit build (TESTKIT_PROVIDER_ENTRY)', entry: build.testkitEntry, samples: [] },
    { label: 'production, bundled (bin/terraform-provider-biaccess)', entry: build.productionEntry, samples: [] },
    { label: 'production, unbundled (dist/src/cli/provider-main.js)', entry: build.unbundledEntry, samples: [] },
    ...(options.compare ? [{ label: `compared (${options.compare})`, entry: resolve(options.compare), samples: [] }] : []),
  ];
  const env = handshakeEnvironment();
  const startedAt = performance.now();
  const cpuBefore = cpuCounters();
  // One unmeasured start each, so neither entry pays for a cold file cache; Terraform starts
  // the provider 3–5 times per command, so the warm figure is the one users see.
  for (const { entry } of entries) await measureHandshake(entry, env);
  // Alternating entries spreads any background load over both equally.
  for (let run = 0; run < HANDSHAKE_RUNS; run++) {
    for (const measured of entries) measured.samples.push(await measureHandshake(measured.entry, env));
  }
  const starts = entries.length * (HANDSHAKE_RUNS + 1);
  return {
    entries,
    otherCoreShare: otherCpuSince(cpuBefore) / ((performance.now() - startedAt) / 1000),
    cpuSecondsPerStart: (reapedChildrenCpuSeconds() - cpuBefore.children) / starts,
  };
}

function printHandshakes({ entries, otherCoreShare, cpuSecondsPerStart }: HandshakeMeasurements): void {
  console.log(
    `${HANDSHAKE_RUNS} runs each after one unmeasured warm-up, entries alternated; \`node <entry>\` with the go-plugin env; ` +
      `other processes used ${percent(otherCoreShare)} of a core meanwhile`,
  );
  console.log(table(
    ['entry', 'median ms', 'min ms', 'max ms', 'median RSS after handshake'],
    entries.map(({ label, samples }) => {
      const times = samples.map((sample) => sample.handshakeMs);
      return [label, millis(median(times)), millis(Math.min(...times)), millis(Math.max(...times)), megabytes(median(samples.map((s) => s.rssBytes)))];
    }),
  ));
  // Terraform starts 3 of these per plan and 4 per apply, so this CPU is paid 3–4 times per command.
  console.log(`CPU per provider start (spawn → handshake, user + system, all starts averaged): ${millis(cpuSecondsPerStart * 1000)} ms`);
}

// ---------------------------------------------------------------------------------------------
// Terraform

function biaccessConfiguration(url: string, count: number): string {
  const testkit = `  testkit {\n    url     = "${url}"\n    api_key = "${TESTKIT_API_KEY}"\n  }`;
  return `${providerBlock(testkit)}
resource "biaccess_testkit_item" "r" {
  count = ${count}
  name  = "item-\${count.index}"
}
`;
}

function floorConfiguration(count: number): string {
  return `resource "terraform_data" "r" {
  count = ${count}
  input = "item-\${count.index}"
}
`;
}

function assertNoChanges(side: string, result: TimedResult): void {
  if (!result.stdout.includes('No changes.')) throw new BenchError(`the ${side} plan over existing objects is not a no-op:\n${result.stdout}`);
}

interface TimedResult {
  seconds: number;
  /** CPU of terraform and the providers it started. */
  cpuSeconds: number;
  /** CPU used meanwhile by processes that are neither this bench nor its terraform: noise. */
  otherCpuSeconds: number;
  stdout: string;
  providerUsage?: ProviderUsageReport;
}

/** Runs terraform in the workspace's environment, timing spawn to exit; optionally samples its providers (memory, CPU). */
function timedTerraform(workspace: TerraformWorkspace, args: string[], sampleProviders = false): Promise<TimedResult> {
  const fullArgs = [args[0], '-no-color', ...args.slice(1)];
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const cpuBefore = cpuCounters();
    const child = spawn('terraform', fullArgs, { cwd: workspace.dir, env: workspace.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = sampleProviders && child.pid !== undefined ? new ProviderUsageSampler(child.pid, PROVIDER_COMMAND_MARKER) : undefined;
    sampler?.start();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      sampler?.stop();
      reject(error);
    });
    child.on('close', (code) => {
      const elapsedMs = performance.now() - startedAt;
      const providerUsage = sampler?.stop();
      if (code !== 0) {
        reject(new BenchError(`terraform ${fullArgs.join(' ')} exited ${code} in ${workspace.dir}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        return;
      }
      const cpuSeconds = reapedChildrenCpuSeconds() - cpuBefore.children;
      resolve({ seconds: elapsedMs / 1000, cpuSeconds, otherCpuSeconds: otherCpuSince(cpuBefore), stdout, providerUsage });
    });
  });
}

interface CpuCounters {
  /** Whole machine, busy time of all cores. */
  machine: number;
  /** This bench process (the emulator and the sampler run in it). */
  bench: number;
  /** Children of the bench that have exited: terraform with its providers, measured providers. */
  children: number;
}

function cpuCounters(): CpuCounters {
  const usage = process.cpuUsage();
  return { machine: machineBusyCpuSeconds(), bench: (usage.user + usage.system) / 1e6, children: reapedChildrenCpuSeconds() };
}

/** CPU seconds used since `before` by processes that are neither the bench nor its (exited) children. */
function otherCpuSince(before: CpuCounters): number {
  const now = cpuCounters();
  return Math.max(0, now.machine - before.machine - (now.bench - before.bench) - (now.children - before.children));
}

function stateFileBytes(workspace: TerraformWorkspace): number {
  return statSync(join(workspace.dir, 'terraform.tfstate')).size;
}

async function readTerraformVersion(): Promise<string> {
  const scratch = TerraformWorkspace.create();
  try {
    const result = await run('terraform', ['version', '-json'], { cwd: scratch.dir, env: scratch.env });
    if (result.code !== 0) throw new BenchError(`terraform version failed\n--- stderr\n${result.stderr}`);
    return JSON.parse(result.stdout).terraform_version as string;
  } finally {
    scratch.remove();
  }
}

function printTimes(rows: TimedRow[], listReadsDuringPlan: Map<number, number>, stateSizes: Map<number, { biaccess: number; floor: number }>): void {
  console.log('apply = `terraform apply -auto-approve` creating N objects (1 run each)');
  console.log(`plan  = \`terraform plan\` (refresh on) over N existing objects, no changes (median of ${PLAN_RUNS} runs, min–max in brackets)`);
  console.log(table(
    ['N', 'operation', 'biaccess s', 'terraform_data s', 'ratio', 'CPU s: biaccess', 'terraform_data', 'other processes'],
    rows.map((row) => [
      String(row.count),
      row.operation,
      spread(row.biaccessSeconds),
      spread(row.floorSeconds),
      ratio(row),
      seconds(median(row.biaccessCpuSeconds) * 1000),
      seconds(median(row.floorCpuSeconds) * 1000),
      `${percent(row.otherCpuSeconds / row.wallSeconds)} of a core`,
    ]),
  ));
  console.log(`CPU s = user + system time of terraform and the providers it started (median), on ${os.cpus().length} cores;`);
  console.log('other processes = CPU the rest of the machine used during those runs (anything well above 0% skews the row)');
  for (const [count, reads] of listReadsDuringPlan) {
    console.log(`GET /items calls the emulator received during one biaccess plan, N=${count}: ${reads} (for ${count} resource reads)`);
  }
  // Terraform rewrites the whole state file after each object it creates, so apply time grows
  // with state size, which depends on the resource's schema rather than on the provider.
  for (const [count, sizes] of stateSizes) {
    console.log(`terraform.tfstate after the apply, N=${count}: biaccess ${kilobytes(sizes.biaccess)}, terraform_data ${kilobytes(sizes.floor)}`);
  }
}

function printProviderUsage(handshakes: HandshakeMeasurements, applyUsage: ProviderUsageReport | undefined, planUsage: ProviderUsageReport | undefined): void {
  section('Provider resident memory (VmRSS) and CPU');
  for (const { label, samples } of handshakes.entries) console.log(`right after the handshake, ${label}: median ${megabytes(median(samples.map((s) => s.rssBytes)))}`);
  const describe = (name: string, report: ProviderUsageReport | undefined) => {
    if (!report || report.processesSeen === 0) {
      console.log(`${name}: not captured (no provider process seen by the /proc sampler)`);
      return;
    }
    console.log(
      `${name}: peak of one provider process ${megabytes(report.peakRssBytes)}, peak sum of concurrent providers ` +
        `${megabytes(report.peakTotalRssBytes)}; provider CPU ${report.cpuSeconds.toFixed(2)} s over ${report.processesSeen} processes ` +
        `(${report.samples} samples at 50 ms, ${millis(report.samplingMs)} ms spent sampling)`,
    );
  };
  describe(`during the ${TARGET_PLAN_COUNT}-resource apply`, applyUsage);
  describe(`during a ${TARGET_PLAN_COUNT}-resource plan (an extra, untimed run)`, planUsage);
}

function printTargets(handshakes: HandshakeMeasurements, rows: TimedRow[]): void {
  section('Targets (informational)');
  for (const { label, samples } of handshakes.entries) {
    const value = median(samples.map((s) => s.handshakeMs));
    console.log(
      `${verdict(value <= TARGET_HANDSHAKE_MS)}  median handshake ≤ ${TARGET_HANDSHAKE_MS} ms, ${label}: ${millis(value)} ms` +
        noiseWarning(handshakes.otherCoreShare),
    );
  }
  const plan = rows.find((row) => row.operation === 'plan' && row.count === TARGET_PLAN_COUNT);
  if (plan) {
    const limit = median(plan.floorSeconds) * TARGET_PLAN_RATIO;
    const value = median(plan.biaccessSeconds);
    console.log(
      `${verdict(value <= limit)}  ${TARGET_PLAN_COUNT}-resource plan ≤ ${TARGET_PLAN_RATIO}× terraform_data floor (medians): ` +
        `${seconds(value * 1000)} s vs limit ${seconds(limit * 1000)} s (${ratio(plan)})` +
        noiseWarning(plan.otherCpuSeconds / plan.wallSeconds),
    );
  }
}

/** Above this share of a core used by other processes, a verdict says it may be skewed. */
const NOISY_OTHER_CORE_SHARE = 0.25;

function noiseWarning(otherCoreShare: number): string {
  return otherCoreShare > NOISY_OTHER_CORE_SHARE ? ` (unreliable: other processes used ${percent(otherCoreShare)} of a core meanwhile)` : '';
}

// ---------------------------------------------------------------------------------------------
// Output

function printMachine(terraformVersion: string, build: BuildSnapshot): void {
  const cpus = os.cpus();
  const command = process.env.npm_lifecycle_event
    ? `npm run ${process.env.npm_lifecycle_event}  (${process.env.npm_lifecycle_script ?? ''})`
    : ['node', ...process.argv.slice(1).map((arg) => arg.replace(`${process.cwd()}/`, ''))].join(' ');
  console.log('bi-access bench');
  console.log(`Command:   ${command}   [cwd ${process.cwd()}]`);
  console.log(`Started:   ${new Date().toISOString()}`);
  console.log(`Machine:   ${cpus.length} CPUs, ${cpus[0]?.model ?? 'unknown model'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()}/${os.arch()}`);
  console.log(`Load avg:  ${loadAverage()} at start (other work on the machine skews the figures)`);
  console.log(`Versions:  node ${process.version}, terraform ${terraformVersion}`);
  console.log(`Provider:  private copy of dist/ as last written at ${build.builtAt.toISOString()} (immune to rebuilds during the run)`);
}

function loadAverage(): string {
  return `${os.loadavg().map((load) => load.toFixed(2)).join(' ')} (1/5/15 min)`;
}

function section(title: string): void {
  console.log(`\n== ${title}`);
}

function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const millis = (ms: number) => ms.toFixed(0);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ratio = (row: TimedRow) => `${(median(row.biaccessSeconds) / median(row.floorSeconds)).toFixed(1)}×`;
/** Median, with min–max when there was more than one run. */
const spread = (runs: number[]) =>
  runs.length === 1 ? seconds(runs[0] * 1000) : `${seconds(median(runs) * 1000)} (${seconds(Math.min(...runs) * 1000)}–${seconds(Math.max(...runs) * 1000)})`;
const percent = (share: number) => `${(100 * share).toFixed(0)}%`;
const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');

main().catch((error: unknown) => {
  console.error(error instanceof BenchError ? `bench failed: ${error.message}` : error);
  process.exit(1);
});
