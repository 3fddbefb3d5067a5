// Running the real `terraform` in a user's working directory, for the commands that read what a
// configuration declares (drift, audit --state) and that generate configuration (adopt).
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { OpsError, type OpsContext } from './context';

export interface TerraformResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs terraform without colour or prompts; the caller decides which exit codes are failures. */
export function terraform(args: string[], cwd: string, context: OpsContext): Promise<TerraformResult> {
  const [command, ...rest] = args;
  const env = { ...context.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  return new Promise((done, fail) => {
    const child = spawn('terraform', [command, '-no-color', ...rest], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new OpsError('terraform was not found on PATH (bi-access needs Terraform >= 1.5)') : error),
    );
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Runs terraform and fails with its own error output unless it exits with one of `accepted`. */
export async function terraformOk(args: string[], cwd: string, context: OpsContext, accepted: number[] = [0]): Promise<TerraformResult> {
  const result = await terraform(args, cwd, context);
  if (result.code === null || !accepted.includes(result.code)) {
    throw new OpsError(`terraform ${args[0]} failed in ${cwd} (exit ${result.code}):\n${(result.stderr || result.stdout).trim()}`);
  }
  return result;
}

/**
 * The Terraform directory a command works in: `--dir`, or the folder cdktf synthesizes a stack
 * into (`cdktf.out/stacks/NAME`, from the project's root), or the current directory.
 */
export function workingDirectory(options: { dir?: string; stack?: string }, context: OpsContext): string {
  if (options.dir !== undefined && options.stack !== undefined) throw new OpsError('give either --dir or --stack, not both');
  const dir = options.stack !== undefined ? join(context.cwd, 'cdktf.out', 'stacks', options.stack) : resolve(context.cwd, options.dir ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OpsError(options.stack !== undefined ? `no synthesized stack "${options.stack}" at ${dir} (run cdktf synth first)` : `no directory ${dir}`);
  }
  return dir;
}

/**
 * Runs `terraform init` where it has not run yet (a fresh CI checkout), so that one command does
 * the job; it finds the provider as the directory's own setup has it (installed in the directory,
 * in ~/.terraform.d/plugins, or put there by cdktf synth) and touches no state.
 */
export async function ensureInitialized(dir: string, context: OpsContext): Promise<void> {
  const dataDir = context.env.TF_DATA_DIR ?? '.terraform';
  if (existsSync(isAbsolute(dataDir) ? dataDir : join(dir, dataDir))) return;
  context.progress(`terraform init in ${dir}`);
  await terraformOk(['init', '-input=false'], dir, context);
}

/** A managed resource of a state or plan, as `terraform show -json` has it. */
export interface ShownResource {
  address: string;
  type: string;
  providerName: string;
  values: Record<string, unknown>;
  sensitiveValues: Record<string, unknown>;
}

interface ShownModule {
  resources?: Array<{ address: string; mode: string; type: string; provider_name: string; values?: Record<string, unknown>; sensitive_values?: Record<string, unknown> }>;
  child_modules?: ShownModule[];
}

/** The managed resources of a `terraform show -json` state (`values`) object, modules included. */
export function managedResources(values: { root_module?: ShownModule } | undefined): ShownResource[] {
  const found: ShownResource[] = [];
  const walk = (module: ShownModule | undefined) => {
    for (const resource of module?.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      found.push({ address: resource.address, type: resource.type, providerName: resource.provider_name, values: resource.values ?? {}, sensitiveValues: resource.sensitive_values ?? {} });
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(values?.root_module);
  return found;
}

/** The managed resources in the state of a Terraform directory. */
export async function stateOf(dir: string, context: OpsContext): Promise<ShownResource[]> {
  await ensureInitialized(dir, context);
  const shown = JSON.parse((await terraformOk(['show', '-json'], dir, context)).stdout || '{}');
  return managedResources(shown.values);
}
