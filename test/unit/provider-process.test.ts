// The provider executable as a process: what a person sees running it by hand, and what
// Terraform sees at start-up (the go-plugin handshake line, a usable certificate, SIGINT ignored).
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
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
