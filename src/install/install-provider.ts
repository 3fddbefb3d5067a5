// Installing the provider without a registry: Terraform's implied local mirror plus a lock entry.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  PACKAGE_ROOT,
  PROVIDER_HOST,
  PROVIDER_NAMESPACE,
  PROVIDER_TYPE,
  PROVIDER_VERSION,
} from '../provider-identity';
import { mergeProviderLock } from './lock-file';
import { packageHashV1 } from './package-hash';

export interface InstallOptions {
  /**
   * A Terraform working directory: installs into `<workingDir>/terraform.d/plugins` and writes
   * the lock entry into `<workingDir>/.terraform.lock.hcl`.
   */
  workingDir?: string;
  /** Plugins folder to install into; default `<workingDir>/terraform.d/plugins`, else `~/.terraform.d/plugins`. */
  pluginsDir?: string;
  /**
   * A provider entry script for the executable to run where it is (development builds, tests).
   * Default: the package's provider bundle, copied next to the executable, so the installation
   * needs nothing but Node (the package may then move or go).
   */
  entry?: string;
}

export interface InstallResult {
  /** The installed `terraform-provider-biaccess_v<version>` wrapper. */
  executable: string;
  /** The copy of the provider bundle the wrapper runs (absent with `entry`). */
  bundle?: string;
  /** Terraform's `h1:` hash of the package folder holding it. */
  hash: string;
  /** The lock file written (only with `workingDir`). */
  lockFile?: string;
}

/** Fully qualified provider address, as lock files name it. */
export const PROVIDER_ADDRESS = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

/** The provider bundled with its dependencies and protocol definitions (built by `npm run build`). */
export const DEFAULT_PROVIDER_ENTRY = join(PACKAGE_ROOT, 'dist', 'bundle', 'terraform-provider-biaccess.js');

const EXECUTABLE_NAME = `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`;
/**
 * The bundle's name next to the executable. It must not start with `terraform-provider-`:
 * terraform init takes the first file of the folder with that prefix as the executable.
 */
export const INSTALLED_BUNDLE_NAME = `${PROVIDER_TYPE}-provider.js`;

/**
 * Installs the provider where `terraform init` finds it offline: a tiny shell wrapper that execs
 * this Node with the provider bundle copied beside it (or with `entry`). The lock hash covers both
 * files, so it changes only when the Node binary or the bundle does; unchanged files are left alone.
 */
export function installProvider(options: InstallOptions = {}): InstallResult {
  const workingDir = options.workingDir === undefined ? undefined : resolve(options.workingDir);
  const pluginsDir = resolve(
    options.pluginsDir ??
      (workingDir ? join(workingDir, 'terraform.d', 'plugins') : join(homedir(), '.terraform.d', 'plugins')),
  );
  const packageDir = join(pluginsDir, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION, terraformPlatform());
  const executable = join(packageDir, EXECUTABLE_NAME);
  const bundle = join(packageDir, INSTALLED_BUNDLE_NAME);
  if (options.entry === undefined) {
    if (!existsSync(DEFAULT_PROVIDER_ENTRY)) {
      throw new Error(`the provider bundle ${DEFAULT_PROVIDER_ENTRY} does not exist: build the package first (npm run build)`);
    }
    writeFileIfChanged(bundle, readFileSync(DEFAULT_PROVIDER_ENTRY), 0o644);
    writeFileIfChanged(executable, bundleWrapperScript(), 0o755);
  } else {
    rmSync(bundle, { force: true }); // left by an earlier install; it would count in the hash
    writeFileIfChanged(executable, providerWrapperScript(resolve(options.entry)), 0o755);
  }
  const installedBundle = options.entry === undefined ? { bundle } : {};

  const hash = packageHashV1(packageDir);
  if (!workingDir) return { executable, ...installedBundle, hash };

  const lockFile = join(workingDir, '.terraform.lock.hcl');
  const existing = existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : undefined;
  const lockEntry = { address: PROVIDER_ADDRESS, version: PROVIDER_VERSION, constraints: PROVIDER_VERSION, hashes: [hash] };
  writeFileIfChanged(lockFile, mergeProviderLock(existing, lockEntry), 0o644);
  return { executable, ...installedBundle, hash, lockFile };
}

/** `<os>_<arch>` as Terraform names this machine's platform, e.g. `linux_amd64`. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = { linux: 'linux', darwin: 'darwin', freebsd: 'freebsd', openbsd: 'openbsd' }[platform];
  const cpu = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[arch];
  // Windows would need a .exe; a shell wrapper cannot be one.
  if (!os || !cpu) throw new Error(`installing the provider is not supported on ${platform}/${arch}`);
  return `${os}_${cpu}`;
}

/** The installed executable: `exec` so Terraform's signals reach Node directly. */
export function providerWrapperScript(entry: string, node: string = process.execPath): string {
  return `#!/bin/sh\nexec ${shellDoubleQuoted(node)} ${shellDoubleQuoted(entry)} "$@"\n`;
}

/**
 * The installed executable when the bundle is beside it. Terraform runs it by a path (through the
 * folder it links or copies into .terraform/providers), so `${0%/*}` is that folder.
 */
export function bundleWrapperScript(node: string = process.execPath): string {
  return `#!/bin/sh\nexec ${shellDoubleQuoted(node)} "\${0%/*}/${INSTALLED_BUNDLE_NAME}" "$@"\n`;
}

function shellDoubleQuoted(text: string): string {
  return `"${text.replace(/[\\"$`]/g, '\\$&')}"`;
}

/** Leaves an unchanged file alone (content, hash and mtime stay stable); replaces atomically otherwise. */
function writeFileIfChanged(path: string, content: string | Buffer, mode: number): void {
  if (existsSync(path) && readFileSync(path).equals(Buffer.from(content))) {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}
