// Runs the real `terraform` and `cdktf` against the freshly built provider, each test in its
// own temporary directory with an empty CLI configuration (no registry, no plugin cache).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProvider } from '../../src/install';
import { PACKAGE_ROOT } from '../../src/provider-identity';

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

export class TerraformWorkspace {
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly dir: string,
    extraEnv: Record<string, string>,
  ) {
    this.env = terraformEnvironment(dir, extraEnv);
  }

  /** A temporary working directory with the provider installed (lock entry included). */
  static create(options: { entry?: string; env?: Record<string, string> } = {}): TerraformWorkspace {
    const dir = mkdtempSync(join(tmpdir(), 'biaccess-tf-'));
    installProvider({ workingDir: dir, entry: options.entry ?? TESTKIT_PROVIDER_ENTRY });
    return new TerraformWorkspace(dir, options.env ?? {});
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

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Terraform ignores NO_COLOR; every subcommand we use takes -no-color after its name. */
function withoutColour(args: string[]): string[] {
  return args.length > 0 && !args.includes('-no-color') ? [args[0], '-no-color', ...args.slice(1)] : args;
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
