// A cdktn 0.24 app (CDKTF's community continuation) using the packed package through
// `bi-access/cdktn`: installed offline with one copy of constructs and no cdktf, compiled with
// the library checks on, synthesized and deployed with the real Terraform.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { createInfraApp, foldersNamed, infraAppMain, packThisPackage, stackTerraform, synthesize } from '../support/packaging';

jest.setTimeout(240_000);

const emulator = new RedashEmulator();
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bi-access-cdktn-'));
  await emulator.start();
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await emulator.stop();
});

test('a cdktn 0.24 app installs the tarball offline, compiles, synthesizes and deploys', async () => {
  const tarball = await packThisPackage(join(root, 'packed'));
  const app = await createInfraApp(join(root, 'cdktn-app'), 'cdktn', tarball);
  const modules = join(app.dir, 'node_modules');
  expect(existsSync(join(modules, 'cdktf'))).toBe(false);
  expect(foldersNamed(modules, 'constructs')).toEqual(['constructs']); // one copy, shared by cdktn and bi-access

  writeFileSync(join(app.dir, 'main.ts'), infraAppMain('cdktn'));
  await synthesize(app);
  const terraform = stackTerraform(join(app.dir, 'cdktf.out', 'stacks', 'access'), { REDASH_URL: emulator.url, REDASH_API_KEY: REDASH_ADMIN_API_KEY });
  await terraform(['init']);
  expect(await terraform(['apply', '-auto-approve'])).toContain('Apply complete! Resources: 5 added');
  expect(emulator.describeContents()).toEqual(
    expect.arrayContaining([
      'user ana@example.com (Ana, invitation pending) in default, Analysts',
      'group Analysts',
      expect.stringMatching(/^data source warehouse \(pg\): .*Analysts full access/),
    ]),
  );
  expect(await terraform(['plan', '-detailed-exitcode'])).toContain('No changes.');
  expect(await terraform(['destroy', '-auto-approve'])).toContain('Destroy complete! Resources: 5 destroyed');
});
