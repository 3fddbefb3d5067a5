// Installing the provider without a registry, checked against real `terraform init`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliOutput } from '../../src/cli/bi-access';
import {
  bundleWrapperScript,
  DEFAULT_PROVIDER_ENTRY,
  INSTALLED_BUNDLE_NAME,
  installProvider,
  mergeProviderLock,
  packageHashV1,
  providerWrapperScript,
  terraformPlatform,
} from '../../src/install';
import { PROVIDER_VERSION } from '../../src/provider-identity';

const temporaryDirs: string[] = [];
function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bi-access-install-'));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    biaccess = { source = "bi-access/biaccess", version = "${PROVIDER_VERSION}" }
  }
}
`;

/** `terraform init` in `dir`, offline and isolated from the user's CLI configuration and plugins. */
function terraformInit(dir: string) {
  const cliConfig = join(dir, 'empty.tfrc');
  writeFileSync(cliConfig, '');
  mkdirSync(join(dir, 'home'), { recursive: true });
  return spawnSync('terraform', ['init', '-input=false', '-no-color'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: join(dir, 'home'), TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
  });
}

const packageFolder = (pluginsDir: string) =>
  join(pluginsDir, 'registry.terraform.io', 'bi-access', 'biaccess', PROVIDER_VERSION, terraformPlatform());

describe('installProvider', () => {
  test('terraform init accepts the installation offline and keeps our lock entry (our h1 is its h1)', () => {
    const dir = temporaryDir();
    writeFileSync(join(dir, 'main.tf'), REQUIRED_PROVIDERS);
    const installed = installProvider({ workingDir: dir });

    const folder = packageFolder(join(dir, 'terraform.d', 'plugins'));
    const executable = join(folder, `terraform-provider-biaccess_v${PROVIDER_VERSION}`);
    const bundle = join(folder, 'biaccess-provider.js');
    expect(installed).toEqual({ executable, bundle, hash: expect.stringMatching(/^h1:[A-Za-z0-9+/]{43}=$/), lockFile: join(dir, '.terraform.lock.hcl') });
    // The wrapper runs the bundle beside it, whatever the folder is called or wherever it moves.
    expect(readFileSync(executable, 'utf8')).toBe(`#!/bin/sh\nexec "${process.execPath}" "\${0%/*}/biaccess-provider.js" "$@"\n`);
    expect(statSync(executable).mode & 0o777).toBe(0o755);
    expect(readFileSync(bundle).equals(readFileSync(DEFAULT_PROVIDER_ENTRY))).toBe(true);
    const lockFile = readFileSync(installed.lockFile!, 'utf8');
    expect(lockFile).toBe(
      [
        '# This file is maintained automatically by "terraform init".',
        '# Manual edits may be lost in future updates.',
        '',
        'provider "registry.terraform.io/bi-access/biaccess" {',
        `  version     = "${PROVIDER_VERSION}"`,
        `  constraints = "${PROVIDER_VERSION}"`,
        '  hashes = [',
        `    "${installed.hash}",`,
        '  ]',
        '}',
        '',
      ].join('\n'),
    );

    const init = terraformInit(dir);
    expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: '' });
    expect(init.stdout).toContain(`Installed bi-access/biaccess v${PROVIDER_VERSION}`);
    expect(readFileSync(installed.lockFile!, 'utf8')).toBe(lockFile);
  });

  test('terraform init verifies the hash (a wrong one fails), so the test above is meaningful', () => {
    const dir = temporaryDir();
    writeFileSync(join(dir, 'main.tf'), REQUIRED_PROVIDERS);
    const installed = installProvider({ workingDir: dir });
    const wrongHash = 'h1:' + Buffer.alloc(32).toString('base64');
    writeFileSync(installed.lockFile!, readFileSync(installed.lockFile!, 'utf8').replace(installed.hash, wrongHash));
    const init = terraformInit(dir);
    expect(init.status).not.toBe(0);
    expect(init.stderr.replace(/\s+/g, ' ')).toContain("doesn't match any of the checksums");
  });

  test('installing twice leaves the executable, its hash and its mtime unchanged', () => {
    const dir = temporaryDir();
    const first = installProvider({ workingDir: dir });
    const firstModified = statSync(first.executable).mtimeMs;
    const lockFile = readFileSync(first.lockFile!, 'utf8');
    const second = installProvider({ workingDir: dir });
    expect(second).toEqual(first);
    expect(statSync(second.executable).mtimeMs).toBe(firstModified);
    expect(readFileSync(second.lockFile!, 'utf8')).toBe(lockFile);
  });

  test('another entry changes the executable and the lock entry', () => {
    const dir = temporaryDir();
    const first = installProvider({ workingDir: dir });
    const second = installProvider({ workingDir: dir, entry: join(dir, 'build', 'provider-main.js') });
    expect(readFileSync(second.executable, 'utf8')).toContain(`"${join(dir, 'build', 'provider-main.js')}"`);
    expect(second.bundle).toBeUndefined();
    expect(existsSync(first.bundle!)).toBe(false); // the earlier bundle would count in the hash
    expect(second.hash).not.toBe(first.hash);
    expect(second.hash).toBe(packageHashV1(packageFolder(join(dir, 'terraform.d', 'plugins'))));
    const lockFile = readFileSync(second.lockFile!, 'utf8');
    expect(lockFile).toContain(second.hash);
    expect(lockFile).not.toContain(first.hash);
  });

  test("other providers' lock entries are kept; our stale one is replaced", () => {
    const dir = temporaryDir();
    const otherProvider = [
      'provider "registry.terraform.io/hashicorp/null" {',
      '  version     = "3.2.3"',
      '  constraints = "~> 3.2"',
      '  hashes = [',
      '    "h1:I0Um8UkrMUb81Fxq/dxbr3HLP2cecTH2WMJiwKSrwQY=",',
      '    "zh:22d062e5278d872fe7aed834f5577ba0a5afe34a3bdac2b81f828d8d3e6706d2",',
      '  ]',
      '}',
    ].join('\n');
    const staleOwnEntry = [
      'provider "registry.terraform.io/bi-access/biaccess" {',
      '  version     = "0.0.1"',
      '  constraints = "0.0.1"',
      '  hashes = [',
      '    "h1:stale=",',
      '  ]',
      '}',
    ].join('\n');
    writeFileSync(join(dir, '.terraform.lock.hcl'), `# header\n\n${otherProvider}\n\n${staleOwnEntry}\n`);
    const installed = installProvider({ workingDir: dir });
    const lockFile = readFileSync(installed.lockFile!, 'utf8');
    expect(lockFile).toContain(`${otherProvider}\n`);
    expect(lockFile).not.toContain('stale');
    // Ordered by address as Terraform orders them: bi-access before hashicorp.
    expect(lockFile.indexOf('bi-access/biaccess')).toBeLessThan(lockFile.indexOf('hashicorp/null'));
    expect(lockFile.match(/^provider /gm)).toHaveLength(2);
  });

  test('without a working directory nothing but the plugins folder is written', () => {
    const dir = temporaryDir();
    const pluginsDir = join(dir, 'plugins');
    const installed = installProvider({ pluginsDir, entry: '/opt/biaccess/provider-main.js' });
    expect(installed.lockFile).toBeUndefined();
    expect(installed.executable).toBe(join(packageFolder(pluginsDir), `terraform-provider-biaccess_v${PROVIDER_VERSION}`));
    expect(installed.hash).toBe(packageHashV1(packageFolder(pluginsDir)));
  });
});

describe('pieces of the installation', () => {
  test('the h1 hash is Go dirhash Hash1 over the sorted files of the folder', () => {
    const dir = temporaryDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b'), 'second\n');
    writeFileSync(join(dir, 'a'), 'first\n');
    writeFileSync(join(dir, 'sub', 'c'), '');
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const summary = `${sha256('first\n')}  a\n${sha256('second\n')}  b\n${sha256('')}  sub/c\n`;
    expect(packageHashV1(dir)).toBe(`h1:${createHash('sha256').update(summary).digest('base64')}`);
  });

  test('platforms are named as Terraform names them', () => {
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
    expect(() => terraformPlatform('win32', 'x64')).toThrow(/not supported on win32/);
  });

  test('the installed bundle is named so that terraform never takes it for the executable', () => {
    // terraform init takes the first file named terraform-provider-* in the folder as the plugin.
    expect(INSTALLED_BUNDLE_NAME.startsWith('terraform-provider-')).toBe(false);
    expect(bundleWrapperScript('/opt/node "20"/bin/node')).toBe(`#!/bin/sh\nexec "/opt/node \\"20\\"/bin/node" "\${0%/*}/${INSTALLED_BUNDLE_NAME}" "$@"\n`);
  });

  test('the wrapper quotes paths for sh', () => {
    expect(providerWrapperScript('/a b/main.js', '/usr/bin/node')).toBe('#!/bin/sh\nexec "/usr/bin/node" "/a b/main.js" "$@"\n');
    expect(providerWrapperScript('/x/$HOME/"q"/`c`\\.js', '/n')).toBe('#!/bin/sh\nexec "/n" "/x/\\$HOME/\\"q\\"/\\`c\\`\\\\.js" "$@"\n');
  });

  test('a lock file without our provider gains the entry', () => {
    const merged = mergeProviderLock(undefined, { address: 'registry.terraform.io/bi-access/biaccess', version: '1.0.0', constraints: '1.0.0', hashes: ['h1:x'] });
    expect(merged).toMatch(/^# This file is maintained automatically by "terraform init"\.\n/);
    expect(merged).toContain('provider "registry.terraform.io/bi-access/biaccess" {\n  version     = "1.0.0"\n');
  });
});

describe('bi-access command line', () => {
  function capture(): CliOutput & { out: string; err: string } {
    const output = {
      out: '',
      err: '',
      stdout: (text: string) => void (output.out += text),
      stderr: (text: string) => void (output.err += text),
    };
    return output;
  }

  test('install --dir installs into the folder and writes the lock entry', async () => {
    const dir = temporaryDir();
    const output = capture();
    expect(await main(['install', '--dir', dir], output)).toBe(0);
    const executable = join(packageFolder(join(dir, 'terraform.d', 'plugins')), `terraform-provider-biaccess_v${PROVIDER_VERSION}`);
    expect(output.out).toContain(`at ${executable}\n`);
    expect(output.out).toMatch(new RegExp(`Wrote the lock entry \\(h1:\\S+\\) to ${join(dir, '.terraform.lock.hcl')}`));
  });

  test('--version prints the version', async () => {
    const output = capture();
    expect(await main(['--version'], output)).toBe(0);
    expect(output.out).toBe(`bi-access ${PROVIDER_VERSION}\n`);
  });

  test('help prints the usage; unknown commands and options exit 2 with the usage on stderr', async () => {
    const help = capture();
    expect(await main(['help'], help)).toBe(0);
    expect(help.out).toMatch(/bi-access install \[--dir DIR\][\s\S]*bi-access generate/);

    for (const argv of [['frobnicate'], ['install', '--frob'], ['install', 'extra'], []]) {
      const output = capture();
      expect(await main(argv, output)).toBe(2);
      expect(output.out).toBe('');
      expect(output.err).toContain('Usage:\n');
    }
  });

  test('emulate refuses --enterprise for a vendor without editions, and names the vendors it has', async () => {
    const enterprise = capture();
    expect(await main(['emulate', 'redash', '--enterprise'], enterprise)).toBe(2);
    expect(enterprise.err).toBe('bi-access emulate: --enterprise is for emulators with editions (grafana), not redash\n');
    const unknown = capture();
    expect(await main(['emulate', 'looker'], unknown)).toBe(2);
    expect(unknown.err).toContain('available: redash, grafana, sisense, periscope');
  });
});
