// `npm run bench`: what the provider costs on this machine, measured in this run, and each target
// with PASS or MISS.
//   1. time to handshake and resident memory of one provider process, against a bare `node`
//      process printing its first line;
//   2. terraform apply (create N) and a no-op plan with refresh over N objects of the test vendor,
//      biaccess versus Terraform's built-in terraform_data (the floor: same core work, no provider
//      process), a CPU profile of the providers during the 1000-object plan, and their memory;
//   3. the vendor requests of an apply and a no-op plan of 500 Redash groups, 490 memberships and
//      10 users against the Redash emulator.
// The providers terraform starts here are the test provider bundled as the production one is.
// Informational, not a test: it exits 0 whether or not the targets are met, 1 only on errors.
// Options (after `npm run bench --`): --handshake-only skips 2 and 3; --skip-redash skips 3;
// --redash-only runs 3 alone;
// --handshake-runs N (default 15); --plan-runs N (default 5);
// --compare ENTRY adds another provider entry (e.g. an older build's) to the interleaved starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { providerBlock, run, TerraformWorkspace } from '../support/terraform';
import { TESTKIT_API_KEY, TestkitEmulator } from '../support/testkit/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import type { Emulator } from '../../src/emulator/base';
import { CPU_PROFILE_DIR_VARIABLE } from '../../src/cli/cpu-profile';
import { summarizeProfiles, type ProfileSummary } from './cpu-profile';
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
  options: {
    'handshake-only': { type: 'boolean' },
    'handshake-runs': { type: 'string' },
    'plan-runs': { type: 'string' },
    'skip-redash': { type: 'boolean' },
    'redash-only': { type: 'boolean' },
    compare: { type: 'string' },
  },
}).values;
// Starts are short and the machine's noise is not: 15 alternated runs keep the medians steady.
const HANDSHAKE_RUNS = Number(options['handshake-runs'] ?? 15);
const RESOURCE_COUNTS = [100, 1000];
const PLAN_RUNS = Number(options['plan-runs'] ?? 5);
/** In the command line of the providers terraform starts here (the test provider bundle). */
const PROVIDER_COMMAND_MARKER = 'testkit-provider.js';

const TARGET_HANDSHAKE_RATIO = 1.5;
const TARGET_TIME_RATIO = 1.5;
const TARGET_PLAN_COUNT = 1000;
/** Requests a no-op plan may make beyond one per parent object. */
const PLAN_REQUEST_ALLOWANCE = 5;
const TARGET_APPLY_REQUESTS_PER_RESOURCE = 1.2;
/** The Redash stack of the measurement: groups, memberships (group i, user i mod users) and users. */
const REDASH_SHAPE = { groups: 500, memberships: 490, users: 10 };

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

interface TestkitResults {
  rows: TimedRow[];
  listReadsDuringPlan: Map<number, number>;
  applyRequests: Map<number, number>;
  stateSizes: Map<number, { biaccess: number; floor: number }>;
  planUsage?: ProviderUsageReport;
  applyUsage?: ProviderUsageReport;
  profile?: PlanProfile;
}

type PlanProfile = ProfileSummary & { wallMs: number };

async function measure(build: BuildSnapshot): Promise<void> {
  let handshakes: HandshakeMeasurements | undefined;
  let testkit: TestkitResults | undefined;
  if (!options['redash-only']) {
    section('Provider time to handshake (spawn → handshake line on stdout)');
    handshakes = await measureHandshakes(build);
    printHandshakes(handshakes);
    if (options['handshake-only']) {
      printTargets(handshakes);
      return;
    }

    section('Terraform wall times, test vendor (default parallelism 10; terraform init done before timing)');
    testkit = await measureTestkit(build);
    printTimes(testkit);
    printProviderUsage(handshakes, testkit.applyUsage, testkit.planUsage);
    printProfile(testkit.profile);
  }

  let redash: RedashResults | undefined;
  if (!options['skip-redash']) {
    section(`Redash: ${REDASH_SHAPE.groups} groups, ${REDASH_SHAPE.memberships} memberships, ${REDASH_SHAPE.users} users (Redash emulator)`);
    redash = await measureRedash(build);
    printRedash(redash, testkit?.rows ?? []);
  }

  printTargets(handshakes, testkit, redash);
}

async function measureTestkit(build: BuildSnapshot): Promise<TestkitResults> {
  const emulator = new TestkitEmulator();
  const workspaces: TerraformWorkspace[] = [];
  const results: TestkitResults = { rows: [], listReadsDuringPlan: new Map(), applyRequests: new Map(), stateSizes: new Map() };
  try {
    const url = await emulator.start();
    for (const count of RESOURCE_COUNTS) {
      emulator.resetState(); // each count starts from an empty vendor, as its workspaces start from empty state
      const biaccess = TerraformWorkspace.create({ entry: build.testkitBundle });
      const floor = TerraformWorkspace.create({ entry: build.testkitBundle }); // installed but unused
      workspaces.push(biaccess, floor);
      biaccess.write('main.tf', biaccessConfiguration(url, count));
      floor.write('main.tf', floorConfiguration(count));
      await Promise.all([biaccess.terraform(['init']), floor.terraform(['init'])]);
      progress(`N=${count}: initialised; applying`);

      // Apply runs once per count: repeating it would need a destroy or a fresh vendor each time.
      // The /proc sampler runs during the big apply; its own cost is printed with the figures.
      const sampleProviders = count === TARGET_PLAN_COUNT;
      emulator.clearRequestLog();
      const biaccessApply = await timedTerraform(biaccess, ['apply', '-auto-approve'], { sampleProviders });
      results.applyRequests.set(count, emulator.countRequests());
      const floorApply = await timedTerraform(floor, ['apply', '-auto-approve']);
      results.stateSizes.set(count, { biaccess: stateFileBytes(biaccess), floor: stateFileBytes(floor) });
      const created = Object.keys(emulator.items).length;
      if (created !== count) throw new BenchError(`apply created ${created} items in the emulator, expected ${count}`);
      const applyRow = emptyRow(count, 'apply');
      addRun(applyRow, biaccessApply, floorApply);
      results.rows.push(applyRow);
      if (sampleProviders) results.applyUsage = biaccessApply.providerUsage;
      progress(`N=${count}: applied; planning ${PLAN_RUNS}× each`);

      // A no-op plan changes nothing, so it can be repeated; alternate the two sides.
      const planRow = emptyRow(count, 'plan');
      for (let run = 0; run < PLAN_RUNS; run++) {
        emulator.clearRequestLog();
        const biaccessPlan = await timedTerraform(biaccess, ['plan']);
        if (run === 0) results.listReadsDuringPlan.set(count, emulator.countRequests());
        const floorPlan = await timedTerraform(floor, ['plan']);
        assertNoChanges('biaccess', biaccessPlan);
        assertNoChanges('terraform_data', floorPlan);
        addRun(planRow, biaccessPlan, floorPlan);
      }
      results.rows.push(planRow);
      if (count !== TARGET_PLAN_COUNT) continue;
      // Memory and CPU on one extra, untimed plan, so the sampler cannot skew the timed ones; the
      // CPU profile on another (profiling slows the profiled process).
      progress(`N=${count}: one plan with the /proc sampler, one with --cpu-prof`);
      results.planUsage = (await timedTerraform(biaccess, ['plan'], { sampleProviders: true })).providerUsage;
      results.profile = await profiledPlan(biaccess, build);
    }
  } finally {
    // The emulator keeps its items in memory only, so stopping it and deleting the workspaces
    // (state included) is a complete clean-up; a destroy of 1000 objects would only cost time.
    await emulator.stop();
    for (const workspace of workspaces) workspace.remove();
  }
  return results;
}

/** A plan whose provider processes write V8 CPU profiles (Terraform passes its environment on to them; Node 20 refuses --cpu-prof in NODE_OPTIONS). */
async function profiledPlan(workspace: TerraformWorkspace, build: BuildSnapshot): Promise<PlanProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'biaccess-bench-profile-'));
  try {
    const result = await timedTerraform(workspace, ['plan'], { env: { [CPU_PROFILE_DIR_VARIABLE]: dir } });
    assertNoChanges('biaccess (profiled)', result);
    const summary = summarizeProfiles(dir, { [build.testkitBundle]: build.testkitBundleMap });
    if (summary.processes === 0) throw new BenchError('the profiled plan left no CPU profile (did the providers exit through Shutdown?)');
    return { ...summary, wallMs: result.seconds * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Redash

interface RedashResults {
  apply: TimedResult;
  plan: TimedResult;
  created: number;
  applyRequests: Map<string, number>;
  planRequests: Map<string, number>;
  /** Objects whose children a plan reads: the users, which hold their memberships. */
  parentObjects: number;
}

function redashConfiguration(url: string): string {
  const { groups, memberships, users } = REDASH_SHAPE;
  return `${providerBlock(`  redash {\n    url     = "${url}"\n    api_key = "${REDASH_ADMIN_API_KEY}"\n  }`)}
resource "biaccess_redash_user" "u" {
  count = ${users}
  email = "user-\${count.index}@example.com"
  name  = "User \${count.index}"
}

resource "biaccess_redash_group" "g" {
  count = ${groups}
  name  = "group-\${count.index}"
}

resource "biaccess_redash_group_member" "m" {
  count    = ${memberships}
  group_id = biaccess_redash_group.g[count.index].id
  user_id  = biaccess_redash_user.u[count.index % ${users}].id
}
`;
}

async function measureRedash(build: BuildSnapshot): Promise<RedashResults> {
  const emulator = new RedashEmulator();
  emulator.setUserRateLimits(null);
  const workspace = TerraformWorkspace.create({ entry: build.testkitBundle });
  try {
    const url = await emulator.start();
    workspace.write('main.tf', redashConfiguration(url));
    await workspace.terraform(['init']);
    progress('Redash: initialised; applying');
    emulator.clearRequestLog();
    const apply = await timedTerraform(workspace, ['apply', '-auto-approve']);
    const applyRequests = requestsByRoute(emulator);
    const state = emulator.snapshotState();
    const memberships = state.users.reduce((sum, user) => sum + user.groups.filter((id) => state.groups.some((group) => group.id === id && group.type !== 'builtin')).length, 0);
    const groups = state.groups.filter((group) => group.type !== 'builtin').length;
    const users = state.users.length - 1; // the admin whose key the provider uses
    const { groups: wantedGroups, memberships: wantedMemberships, users: wantedUsers } = REDASH_SHAPE;
    if (groups !== wantedGroups || memberships !== wantedMemberships || users !== wantedUsers) {
      throw new BenchError(`the Redash apply left ${groups} groups, ${memberships} memberships and ${users} users; expected ${wantedGroups}, ${wantedMemberships} and ${wantedUsers}`);
    }
    progress('Redash: applied; planning');
    emulator.clearRequestLog();
    const plan = await timedTerraform(workspace, ['plan']);
    assertNoChanges('biaccess (Redash)', plan);
    return { apply, plan, created: groups + memberships + users, applyRequests, planRequests: requestsByRoute(emulator), parentObjects: wantedUsers };
  } finally {
    await emulator.stop();
    workspace.remove();
  }
}

/** Requests the emulator received, by method and path with ids replaced by `:id`. */
function requestsByRoute(emulator: Emulator<unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { method, path } of emulator.requests) {
    const route = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, count) => sum + count, 0);

function printRedash(redash: RedashResults, testkitRows: TimedRow[]): void {
  const floor = (operation: Operation) => testkitRows.find((row) => row.operation === operation && row.count === TARGET_PLAN_COUNT);
  const versus = (operation: Operation, seconds: number) => {
    const row = floor(operation);
    return row ? ` (${(seconds / median(row.floorSeconds)).toFixed(1)}× the ${TARGET_PLAN_COUNT}-object terraform_data ${operation} above)` : '';
  };
  console.log(`apply: ${seconds(redash.apply.seconds * 1000)} s${versus('apply', redash.apply.seconds)}; no-op plan: ${seconds(redash.plan.seconds * 1000)} s${versus('plan', redash.plan.seconds)}; 1 run each`);
  console.log(`requests the emulator received during the apply (${redash.created} objects created): ${total(redash.applyRequests)}`);
  for (const [route, count] of redash.applyRequests) console.log(`  ${String(count).padStart(5)}  ${route}`);
  console.log(`requests during the no-op plan: ${total(redash.planRequests)}`);
  for (const [route, count] of redash.planRequests) console.log(`  ${String(count).padStart(5)}  ${route}`);
}

// ---------------------------------------------------------------------------------------------
// Handshake

interface EntryHandshakes {
  label: string;
  entry: string;
  /** Waits for any first line instead of a handshake (the bare node baseline). */
  anyLine?: boolean;
  samples: HandshakeSample[];
}

interface HandshakeMeasurements {
  entries: EntryHandshakes[];
  baseline: EntryHandshakes;
  production: EntryHandshakes;
  /** Share of one core the rest of the machine used while we measured. */
  otherCoreShare: number;
  /** Average CPU (user + system) one process used from spawn to handshake (baseline starts included). */
  cpuSecondsPerStart: number;
}

async function measureHandshakes(build: BuildSnapshot): Promise<HandshakeMeasurements> {
  const firstLineScript = join(build.root, 'first-line.js');
  writeFileSync(firstLineScript, "process.stdout.write('ready\\n');\n");
  const baseline: EntryHandshakes = { label: 'bare node printing one line (baseline)', entry: firstLineScript, anyLine: true, samples: [] };
  const production: EntryHandshakes = { label: 'production bundle, as installed (node dist/bundle/…)', entry: build.productionBundle, samples: [] };
  const entries: EntryHandshakes[] = [
    baseline,
    production,
    { label: 'test provider bundle (what terraform runs below)', entry: build.testkitBundle, samples: [] },
    { label: 'production, unbundled (dist/src/cli/provider-main.js)', entry: build.unbundledEntry, samples: [] },
    ...(options.compare ? [{ label: `compared (${options.compare})`, entry: resolve(options.compare), samples: [] }] : []),
  ];
  const env = handshakeEnvironment();
  const startedAt = performance.now();
  const cpuBefore = cpuCounters();
  // One unmeasured start each, so neither entry pays for a cold file cache; Terraform starts
  // the provider 3–5 times per command, so the warm figure is the one users see.
  for (const { entry, anyLine } of entries) await measureHandshake(entry, env, { anyLine });
  // Alternating entries spreads any background load over all equally.
  for (let run = 0; run < HANDSHAKE_RUNS; run++) {
    for (const measured of entries) measured.samples.push(await measureHandshake(measured.entry, env, { anyLine: measured.anyLine }));
  }
  const starts = entries.length * (HANDSHAKE_RUNS + 1);
  return {
    entries,
    baseline,
    production,
    otherCoreShare: otherCpuSince(cpuBefore) / ((performance.now() - startedAt) / 1000),
    cpuSecondsPerStart: (reapedChildrenCpuSeconds() - cpuBefore.children) / starts,
  };
}

function printHandshakes({ entries, otherCoreShare, cpuSecondsPerStart }: HandshakeMeasurements): void {
  console.log(
    `${HANDSHAKE_RUNS} runs each after one unmeasured warm-up, entries alternated; \`node <entry>\` with the go-plugin env; ` +
      `other processes used ${percent(otherCoreShare)} of a core meanwhile`,
  );
  const baseline = median(entries[0].samples.map((s) => s.handshakeMs));
  console.log(table(
    ['entry', 'median ms', 'min ms', 'max ms', '× baseline', 'median RSS after handshake'],
    entries.map(({ label, samples }) => {
      const times = samples.map((sample) => sample.handshakeMs);
      return [label, millis(median(times)), millis(Math.min(...times)), millis(Math.max(...times)), `${(median(times) / baseline).toFixed(2)}×`, megabytes(median(samples.map((s) => s.rssBytes)))];
    }),
  ));
  // Terraform starts 3 of these per plan and 4 per apply, so this CPU is paid 3–4 times per command.
  console.log(`CPU per start (spawn → first line, user + system, all entries' starts averaged): ${millis(cpuSecondsPerStart * 1000)} ms`);
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
function timedTerraform(
  workspace: TerraformWorkspace,
  args: string[],
  { sampleProviders = false, env = {} }: { sampleProviders?: boolean; env?: Record<string, string> } = {},
): Promise<TimedResult> {
  const fullArgs = [args[0], '-no-color', ...args.slice(1)];
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const cpuBefore = cpuCounters();
    const child = spawn('terraform', fullArgs, { cwd: workspace.dir, env: { ...workspace.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

function printTimes({ rows, listReadsDuringPlan, applyRequests, stateSizes }: TestkitResults): void {
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
    console.log(`requests the emulator received during one biaccess plan, N=${count}: ${reads} (for ${count} resource reads)`);
  }
  for (const [count, requests] of applyRequests) {
    console.log(`requests the emulator received during the biaccess apply, N=${count}: ${requests} (for ${count} creates)`);
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

function printTargets(handshakes: HandshakeMeasurements | undefined, testkit?: TestkitResults, redash?: RedashResults): void {
  section('Targets (informational; measured above in this run)');
  if (handshakes) {
    const baseline = median(handshakes.baseline.samples.map((s) => s.handshakeMs));
    const production = median(handshakes.production.samples.map((s) => s.handshakeMs));
    console.log(
      `${verdict(production <= baseline * TARGET_HANDSHAKE_RATIO)}  time to handshake ≤ ${TARGET_HANDSHAKE_RATIO}× a bare node's first line (medians): ` +
        `${millis(production)} ms vs ${millis(baseline)} ms = ${(production / baseline).toFixed(2)}× (production bundle)` +
        noiseWarning(handshakes.otherCoreShare),
    );
  }
  for (const operation of ['plan', 'apply'] as const) {
    const row = testkit?.rows.find((candidate) => candidate.operation === operation && candidate.count === TARGET_PLAN_COUNT);
    if (!row) continue;
    const value = median(row.biaccessSeconds);
    const floor = median(row.floorSeconds);
    const what = operation === 'plan' ? 'no-change plan' : 'apply (create)';
    console.log(
      `${verdict(value <= floor * TARGET_TIME_RATIO)}  ${what} of ${TARGET_PLAN_COUNT} ≤ ${TARGET_TIME_RATIO}× the terraform_data floor${row.biaccessSeconds.length > 1 ? ' (medians)' : ''}: ` +
        `${seconds(value * 1000)} s vs ${seconds(floor * 1000)} s = ${ratio(row)}` +
        noiseWarning(row.otherCpuSeconds / row.wallSeconds),
    );
  }
  if (redash) {
    const planRequests = total(redash.planRequests);
    const limit = redash.parentObjects + PLAN_REQUEST_ALLOWANCE;
    console.log(
      `${verdict(planRequests <= limit)}  vendor requests in a no-change plan ≤ parent objects + ${PLAN_REQUEST_ALLOWANCE}, Redash: ` +
        `${planRequests} for ${redash.created} resources (${redash.parentObjects} users hold the memberships: limit ${limit})`,
    );
  }
  const testkitPlanReads = testkit?.listReadsDuringPlan.get(TARGET_PLAN_COUNT);
  if (testkitPlanReads !== undefined) {
    console.log(
      `${verdict(testkitPlanReads <= PLAN_REQUEST_ALLOWANCE)}  vendor requests in a no-change plan ≤ parent objects + ${PLAN_REQUEST_ALLOWANCE}, test vendor: ` +
        `${testkitPlanReads} for ${TARGET_PLAN_COUNT} resources (no parent objects: limit ${PLAN_REQUEST_ALLOWANCE})`,
    );
  }
  if (redash) {
    const perResource = total(redash.applyRequests) / redash.created;
    console.log(
      `${verdict(perResource <= TARGET_APPLY_REQUESTS_PER_RESOURCE)}  vendor requests per created resource in an apply ≤ ${TARGET_APPLY_REQUESTS_PER_RESOURCE}, Redash: ` +
        `${perResource.toFixed(2)} (${total(redash.applyRequests)} requests, ${redash.created} resources)`,
    );
  }
  const testkitApply = testkit?.applyRequests.get(TARGET_PLAN_COUNT);
  if (testkitApply !== undefined) {
    // Not a vendor users have: its create looks up the items of its name first, by design.
    console.log(
      `INFO  vendor requests per created resource in an apply, test vendor (a name lookup and a create each, by design): ` +
        `${(testkitApply / TARGET_PLAN_COUNT).toFixed(2)} (${testkitApply} requests, ${TARGET_PLAN_COUNT} resources)`,
    );
  }
  if (!testkit) return;
  const usage = testkit.planUsage;
  console.log(
    `INFO  provider memory during the ${TARGET_PLAN_COUNT}-resource plan (reported, no limit): ` +
      (usage && usage.processesSeen > 0
        ? `peak RSS of one provider process ${megabytes(usage.peakRssBytes)}, of all at once ${megabytes(usage.peakTotalRssBytes)} (${usage.processesSeen} processes)`
        : 'not captured'),
  );
}

const PROFILE_TOP_FUNCTIONS = 15;

function printProfile(profile: PlanProfile | undefined): void {
  section(`CPU profile of the providers during a ${TARGET_PLAN_COUNT}-resource no-change plan (${CPU_PROFILE_DIR_VARIABLE}; an extra, untimed run)`);
  if (!profile) {
    console.log('not captured');
    return;
  }
  console.log(
    `${profile.processes} provider processes; sampled ${seconds(profile.totalMs)} s of process time, ${seconds(profile.busyMs)} s busy ` +
      `(the rest idle: waiting for terraform); the plan took ${seconds(profile.wallMs)} s wall time under the profiler`,
  );
  console.log('Busy self time by kind of work (a sample counts as module loading when a require is on its stack, else by its innermost frame with a kind):');
  console.log(table(
    ['kind of work', 'self ms', 'share of busy'],
    profile.categories.map(({ category, ms }) => [category, millis(ms), percent(ms / profile.busyMs)]),
  ));
  console.log(`Top ${PROFILE_TOP_FUNCTIONS} functions by self time:`);
  console.log(table(
    ['function', 'where', 'kind', 'self ms'],
    profile.functions.slice(0, PROFILE_TOP_FUNCTIONS).map(({ name, where, category, ms }) => [name, where, category.replace(/ \(.*$/, ''), millis(ms)]),
  ));
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
