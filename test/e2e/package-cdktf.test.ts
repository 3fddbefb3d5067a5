// The package as another repository uses it: what `npm pack` ships, a cdktf 0.21 app that installs
// the tarball and deploys with it, and an installed provider that outlives the checkout it was
// installed from. Everything offline (see test/support/packaging.ts).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, PROVIDER_VERSION } from '../../src/provider-identity';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { createInfraApp, foldersNamed, infraAppMain, packThisPackage, stackTerraform, synthesize, type Tarball } from '../support/packaging';
import { providerBlock, run } from '../support/terraform';

jest.setTimeout(240_000);

const emulator = new RedashEmulator();
let root: string;
let tarball: Tarball;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bi-access-package-'));
  [tarball] = await Promise.all([packThisPackage(join(root, 'packed')), emulator.start()]);
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await emulator.stop();
});

const redashEnvironment = () => ({ REDASH_URL: emulator.url, REDASH_API_KEY: REDASH_ADMIN_API_KEY });

test('npm pack ships the built package and no tests, sources or dependencies', () => {
  expect(tarball.files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'bin/bi-access',
      'bin/terraform-provider-biaccess',
      'dist/bundle/terraform-provider-biaccess.js',
      'dist/bundle/bi-access.js',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib-cdktn/index.js',
      'dist/lib-cdktn/index.d.ts',
      'cdktn/package.json',
    ]),
  );
  const unwanted = tarball.files.filter(
    (path) => /(^|\/)test\//.test(path) || /^(src|lib)\//.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')) || path.endsWith('.map') || path.endsWith('.proto'),
  );
  expect(unwanted).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['cdktf', 'cdktn', 'constructs']);
});

test('a cdktf 0.21 app installs the tarball offline, compiles, synthesizes and deploys; the deployed stack no longer needs the package', async () => {
  const app = await createInfraApp(join(root, 'cdktf-app'), 'cdktf', tarball);
  expect(foldersNamed(join(app.dir, 'node_modules'), 'constructs')).toEqual(['constructs']); // one copy, the app's
  expect(existsSync(join(app.dir, 'node_modules', 'cdktn'))).toBe(false);
  const version = await app.run(join('node_modules', '.bin', 'bi-access'), ['--version']);
  expect(version).toMatchObject({ code: 0, stdout: `bi-access ${PROVIDER_VERSION}\n` });

  writeFileSync(join(app.dir, 'main.ts'), infraAppMain('cdktf'));
  await synthesize(app);
  const terraform = stackTerraform(join(app.dir, 'cdktf.out', 'stacks', 'access'), redashEnvironment());
  await terraform(['init']);
  expect(await terraform(['apply', '-auto-approve'])).toContain('Apply complete! Resources: 5 added');
  expect(emulator.describeContents()).toEqual(
    expect.arrayContaining([
      'user ana@example.com (Ana, invitation pending) in default, Analysts',
      'group Analysts',
      expect.stringMatching(/^data source warehouse \(pg\): .*Analysts full access/),
    ]),
  );

  // The stack folder holds its own copy of the provider: the app's packages may go.
  rmSync(join(app.dir, 'node_modules'), { recursive: true });
  expect(await terraform(['plan', '-detailed-exitcode'])).toContain('No changes.');
  expect(await terraform(['destroy', '-auto-approve'])).toContain('Destroy complete! Resources: 5 destroyed');
  expect(emulator.describeContents().filter((line) => line.includes('Analysts') || line.includes('warehouse'))).toEqual([]);
});

test('the provider installed from a checkout keeps working when its dist/ is removed, and when the checkout is moved, then deleted', async () => {
  // The checkout: its built output, scripts and manifest (its node_modules linked, as npm install made it).
  const checkout = join(root, 'checkout');
  for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(PACKAGE_ROOT, entry), join(checkout, entry), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const workingDir = join(root, 'terraform-config');
  mkdirSync(workingDir);
  const install = await run(join(checkout, 'bin', 'bi-access'), ['install', '--dir', workingDir], { cwd: root, env: process.env });
  expect(install).toMatchObject({ code: 0, stderr: '' });

  const configuration = (groupName: string) =>
    providerBlock(`  redash {\n    url     = "${emulator.url}"\n    api_key = "${REDASH_ADMIN_API_KEY}"\n  }`) +
    `resource "biaccess_redash_group" "ops" {\n  name = "${groupName}"\n}\n`;
  writeFileSync(join(workingDir, 'main.tf'), configuration('ops'));
  const terraform = stackTerraform(workingDir, {});
  await terraform(['init']);
  expect(await terraform(['apply', '-auto-approve'])).toContain('Apply complete! Resources: 1 added');

  rmSync(join(checkout, 'dist'), { recursive: true });
  expect(await terraform(['plan', '-detailed-exitcode'])).toContain('No changes.');

  renameSync(checkout, `${checkout}-moved`);
  writeFileSync(join(workingDir, 'main.tf'), configuration('operations'));
  expect(await terraform(['apply', '-auto-approve'])).toContain('Apply complete! Resources: 0 added, 1 changed');
  expect(emulator.describeContents()).toContain('group operations');

  rmSync(`${checkout}-moved`, { recursive: true });
  expect(await terraform(['destroy', '-auto-approve'])).toContain('Destroy complete! Resources: 1 destroyed');
  expect(emulator.describeContents()).not.toContain('group operations');
});
