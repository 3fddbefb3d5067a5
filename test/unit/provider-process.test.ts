// The provider executable as a process: what a person sees running it by hand, and what
// Terraform sees at start-up (the go-plugin handshake line, a usable certificate, SIGINT ignored).
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServerCertificate } from '../../src/protocol/certificate';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../src/protocol/server';
import { PACKAGE_ROOT } from '../../src/provider-identity';

const executable = join(PACKAGE_ROOT, 'bin', 'terraform-provider-biaccess');
const baseEnv = { PATH: process.env.PATH ?? '' };

test('run by hand, it prints one line explaining itself and exits non-zero', () => {
  const result = spawnSync(executable, [], { env: baseEnv, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain('This is a Terraform provider plugin: Terraform starts it.');
});

test('offered only protocol 5, it says it needs 6', () => {
  const env = { ...baseEnv, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5', PLUGIN_CLIENT_CERT: 'x' };
  const result = spawnSync(executable, [], { env, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('speaks only 6');
});

test('started as Terraform does, it prints only the handshake line, with a localhost certificate, and survives SIGINT', async () => {
  const clientCertificate = createServerCertificate().certificatePem;
  const env = { ...baseEnv, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6,5', PLUGIN_CLIENT_CERT: clientCertificate };
  const child = spawn(executable, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let socketDir: string | undefined;
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout);
      });
      child.on('exit', (code) => reject(new Error(`provider exited ${code} before the handshake`)));
    });
    const [core, protocol, network, socketPath, kind, certificate, ...rest] = line.trimEnd().split('|');
    expect({ core, protocol, network, kind, rest }).toEqual({ core: '1', protocol: '6', network: 'unix', kind: 'grpc', rest: [] });
    expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
    socketDir = dirname(socketPath);
    expect(existsSync(socketPath)).toBe(true);
    expect(certificate).not.toMatch(/=$/); // go-plugin expects base64 without padding
    const parsed = new X509Certificate(Buffer.from(certificate, 'base64'));
    expect(parsed.subjectAltName).toBe('DNS:localhost');

    child.kill('SIGINT'); // Ctrl-C reaches the provider too; Terraform stops it through the protocol
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill('SIGKILL'); // no exit hook runs after SIGKILL: remove the socket folder here
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  }
});

test('it starts from V8\'s code cache in a folder of the temporary directory only this user may use, and ignores one others may', async () => {
  const temporary = mkdtempSync(join(tmpdir(), 'biaccess-cache-test-'));
  const clientCertificate = createServerCertificate().certificatePem;
  // TMPDIR moves the cache folder (and the socket folder) into this test's own directory.
  const env = { ...baseEnv, TMPDIR: temporary, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', PLUGIN_CLIENT_CERT: clientCertificate };
  const handshake = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(executable, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (!stdout.includes('\n')) return;
        child.kill('SIGKILL');
        expect(stdout).toMatch(/^1\|6\|unix\|/);
        resolve();
      });
      child.on('exit', (code) => reject(new Error(`provider exited ${code} before the handshake`)));
    });
  try {
    const folder = join(temporary, `biaccess-code-cache-${process.getuid!()}`);
    await handshake();
    const [cache] = readdirSync(folder);
    expect(cache).toMatch(/^[0-9a-f]{32}-[0-9a-f]{8}-v\d+\.\d+\.\d+-\w+\.bin$/);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, cache)).mode & 0o777).toBe(0o600);
    const written = statSync(join(folder, cache)).mtimeMs;
    await handshake(); // from the cache: nothing is written again
    expect(statSync(join(folder, cache)).mtimeMs).toBe(written);
    // A cache someone else could have written is neither read nor replaced.
    chmodSync(folder, 0o755);
    writeFileSync(join(folder, cache), 'not a code cache');
    await handshake();
    expect(readFileSync(join(folder, cache), 'utf8')).toBe('not a code cache');
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
});
