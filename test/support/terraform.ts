// Runs the real `terraform` and `cdktf` against the freshly built provider, each test in its
// own temporary directory with an empty CLI configuration (no registry, no plugin cache). The
// provider is either the installed executable or served from the test process itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/framework/log';
import { buildProvider } from '../../src/framework/provider';
import { installProvider } from '../../src/install';
import { serveForReattach, type ReattachedProvider } from '../../src/protocol/server';
import { PACKAGE_ROOT, PROVIDER_HOST, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../../src/provider-identity';
import { vendors } from '../../src/vendors';
import { testkit } from './testkit/vendor';

/** The provider build with the test vendor (test/support/testkit) added. */
export const TESTKIT_PROVIDER_ENTRY = join(PACKAGE_ROOT, 'dist', 'test', 'support', 'testkit', 'provider-main.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for Terraform: offline, quiet, empty CLI config, no colour. */
export function terraformEnvironment(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cliConfig = join(dir, '.terraformrc');
  writeFileSync(cliConfig, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    NO_COLOR: '1',
    CI: 'true',
    ...extra,
  };
  for (const key of ['TF_LOG', 'TF_LOG_PATH', 'TF_PLUGIN_CACHE_DIR', 'TF_DATA_DIR', 'TF_WORKSPACE', 'TF_REATTACH_PROVIDERS']) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface WorkspaceOptions {
  /** Provider entry script the installed executable runs; default the testkit build. */
  entry?: string;
  env?: Record<string, string>;
}

export interface InProcessWorkspaceOptions {
  /**
   * Serve the provider (the real vendors and the test vendor) from this test process and let
   * Terraform reattach to it, instead of installing the executable: no provider process start
   * per Terraform command. Not for tests of the executable itself (its handshake, TLS, signals),
   * nor for configurations whose provider aliases are configured differently: Terraform attaches
   * every alias to the one reattached provider, so the alias configured last would serve them all.
   */
  inProcess: true;
  env?: Record<string, string>;
}

/**
 * The in-process provider of this test file. Jest gives each test file its own module registry,
 * so this is one server per file: started by the first in-process workspace, stopped when the
 * last one is removed. Every Terraform command of the file is served by the same provider object
 * in turn; it makes new vendor clients on every ConfigureProvider.
 */
let inProcessProvider: { server: Promise<ReattachedProvider>; users: number } | undefined;

function acquireInProcessProvider(): Promise<ReattachedProvider> {
  inProcessProvider ??= {
    server: serveForReattach(buildProvider({ typeName: PROVIDER_TYPE, version: PROVIDER_VERSION, vendors: [...vendors, testkit], log: silentLogger }), {
      address: `${PROVIDER_HOST}/${PROVIDER_SOURCE}`,
      log: () => {}, // as with the executable, whose stderr only shows under TF_LOG
    }).catch((error: unknown) => {
      inProcessProvider = undefined; // the next workspace tries again
      throw error;
    }),
    users: 0,
  };
  inProcessProvider.users++;
  return inProcessProvider.server;
}

async function releaseInProcessProvider(): Promise<void> {
  if (!inProcessProvider || --inProcessProvider.users > 0) return;
  const { server } = inProcessProvider;
  inProcessProvider = undefined;
  await (await server).close();
}

export class TerraformWorkspace {
  readonly env: NodeJS.ProcessEnv;
  private removed = false;

  private constructor(
    readonly dir: string,
    extraEnv: Record<string, string>,
    private readonly inProcess: boolean,
  ) {
    this.env = terraformEnvironment(dir, extraEnv);
  }

  /**
   * A temporary working directory with the provider installed (lock entry included), or, with
   * `inProcess`, one whose environment points Terraform at this test file's in-process provider
   * (resolves once that provider listens). Call remove() in afterAll: it also stops that provider.
   */
  static create(options?: WorkspaceOptions): TerraformWorkspace;
  static create(options: InProcessWorkspaceOptions): Promise<TerraformWorkspace>;
  static create(options: WorkspaceOptions | InProcessWorkspaceOptions = {}): TerraformWorkspace | Promise<TerraformWorkspace> {
    const dir = mkdtempSync(join(tmpdir(), 'biaccess-tf-'));
    if ('inProcess' in options) {
      return acquireInProcessProvider().then(
        ({ reattachProviders }) => new TerraformWorkspace(dir, { ...options.env, TF_REATTACH_PROVIDERS: reattachProviders }, true),
        (error: unknown) => {
          rmSync(dir, { recursive: true, force: true });
          throw error;
        },
      );
    }
    installProvider({ workingDir: dir, entry: options.entry ?? TESTKIT_PROVIDER_ENTRY });
    return new TerraformWorkspace(dir, options.env ?? {}, false);
  }

  write(fileName: string, content: string): void {
    writeFileSync(join(this.dir, fileName), content);
  }

  /** Runs terraform; fails the test with the output unless the exit code is 0 or allowFailure is set. */
  async terraform(args: string[], options: { allowFailure?: boolean; env?: Record<string, string> } = {}): Promise<RunResult> {
    const result = await run('terraform', withoutColour(args), { cwd: this.dir, env: { ...this.env, ...options.env } });
    if (!options.allowFailure && result.code !== 0) {
      throw new Error(`terraform ${args.join(' ')} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return result;
  }

  /** Starts terraform in its own process group, so a test can interrupt it like Ctrl-C does. */
  spawnTerraform(args: string[]): { child: ChildProcess; done: Promise<RunResult> } {
    const child = spawn('terraform', withoutColour(args), { cwd: this.dir, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const done = new Promise<RunResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { child, done };
  }

  /** `terraform show -json` values of managed resources, by address. */
  async stateResources(): Promise<Map<string, Record<string, unknown>>> {
    const shown = JSON.parse((await this.terraform(['show', '-json'])).stdout);
    const resources: Array<{ address: string; mode: string; values: Record<string, unknown> }> = shown.values?.root_module?.resources ?? [];
    return new Map(resources.filter((r) => r.mode === 'managed').map((r) => [r.address, r.values]));
  }

  /** Deletes the directory; the last in-process workspace of the file also stops the provider. */
  async remove(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    if (!this.inProcess || this.removed) return;
    this.removed = true;
    await releaseInProcessProvider();
  }
}

/** Terraform ignores NO_COLOR; every subcommand we use takes -no-color after its name, but `state …` takes none (and prints none). */
function withoutColour(args: string[]): string[] {
  return args.length > 0 && args[0] !== 'state' && !args.includes('-no-color') ? [args[0], '-no-color', ...args.slice(1)] : args;
}

/** Provider requirements and configuration block for a test configuration. */
export function providerBlock(vendorBlocks: string): string {
  return `terraform {
  required_providers {
    biaccess = { source = "bi-access/biaccess" }
  }
}

provider "biaccess" {
${vendorBlocks}
}
`;
}
