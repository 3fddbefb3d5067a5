// The package as another repository gets it: `npm pack` of this checkout, installed with npm into
// a temporary CDKTF app, then the app compiled, synthesized and deployed with the real Terraform.
//
// Tests must not need the network, and npm cannot be trusted to find the app's other packages in
// its cache (which holds whatever versions it happened to download). So every package the app
// installs is a tarball: this checkout's package from `npm pack`, and the CDK framework with its
// dependencies packed from this checkout's node_modules (`npm pack <dir>` reads no registry). The
// app lists them all as `file:` tarballs and npm installs them with --offline, resolving peer
// dependencies as it would from a registry: one copy of `constructs`, shared with the framework.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { run, terraformEnvironment, type RunResult } from './terraform';

export type Framework = 'cdktf' | 'cdktn';

const NPM_ENV: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function check(result: RunResult, what: string): RunResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

export interface Tarball {
  name: string;
  path: string;
  /** Paths inside the package, as npm pack lists them. */
  files: string[];
}

/** `npm pack` of each folder into `destination`, in order. */
export async function pack(destination: string, folders: string[]): Promise<Tarball[]> {
  mkdirSync(destination, { recursive: true });
  // --ignore-scripts: the checkout is built already (npm test builds first), and its prepare
  // script would empty dist/ under the tests that are running from it.
  const result = check(
    await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination, ...folders], { cwd: PACKAGE_ROOT, env: NPM_ENV }),
    'npm pack',
  );
  const packed = JSON.parse(result.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  return packed.map(({ name, filename, files }) => ({ name, path: join(destination, filename), files: files.map(({ path }) => path) }));
}

/** The packed package: what `npm pack` in this checkout makes. */
export async function packThisPackage(destination: string): Promise<Tarball> {
  const [tarball] = await pack(destination, [PACKAGE_ROOT]);
  return tarball;
}

/** Folder of package `name` as Node resolves it from `fromDir` (a package folder or the checkout). */
function packageFolder(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir)) throw new Error(`${name} is not installed in ${PACKAGE_ROOT} (run npm install)`);
  }
}

/**
 * The folders of `names` in this checkout's node_modules and of everything they depend on (their
 * bundled dependencies travel inside their tarballs). One folder per name: an app is flat.
 */
export function dependencyFolders(names: string[]): string[] {
  const folders = new Map<string, string>();
  const visit = (name: string, fromDir: string) => {
    const folder = packageFolder(name, fromDir);
    const known = folders.get(name);
    if (known !== undefined) {
      if (known !== folder) throw new Error(`${name} is installed twice (${known}, ${folder}); the app would need both`);
      return;
    }
    folders.set(name, folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const bundled = new Set<string>(manifest.bundleDependencies ?? manifest.bundledDependencies ?? []);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) if (!bundled.has(dependency)) visit(dependency, folder);
  };
  for (const name of names) visit(name, PACKAGE_ROOT);
  return [...folders.values()];
}

export interface InfraApp {
  dir: string;
  /** Runs a command of the app's: npm, tsc, node. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
}

/**
 * A new app in `dir` depending on the packed bi-access and on `framework` with `constructs`, all
 * installed offline from tarballs; its TypeScript configuration is a CDKTF app's.
 */
export async function createInfraApp(dir: string, framework: Framework, packageTarball: Tarball): Promise<InfraApp> {
  mkdirSync(dir, { recursive: true });
  const frameworkTarballs = await pack(join(dir, '..', `${framework}-tarballs`), dependencyFolders([framework, 'constructs']));
  const dependencies = Object.fromEntries([packageTarball, ...frameworkTarballs].map(({ name, path }) => [name, `file:${path}`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'infra', private: true, dependencies }, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noImplicitAny: true, skipLibCheck: false, types: [], outDir: 'out' },
      include: ['main.ts'],
    }),
  );
  const app: InfraApp = {
    dir,
    run: (command, args, env = NPM_ENV) => run(command, args, { cwd: dir, env }),
  };
  check(await app.run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']), 'npm install');
  return app;
}

/** Compiles main.ts with this checkout's TypeScript (the app does not install one) and runs it. */
export async function synthesize(app: InfraApp): Promise<void> {
  check(await app.run(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.']), 'tsc');
  check(await app.run(process.execPath, [join('out', 'main.js')]), 'node out/main.js (synth)');
}

/** Terraform in a synthesized stack's folder, offline with an empty CLI configuration. */
export function stackTerraform(stackDir: string, extraEnv: Record<string, string>) {
  const env = terraformEnvironment(stackDir, extraEnv);
  return async (args: string[]): Promise<string> => check(await run('terraform', args, { cwd: stackDir, env }), `terraform ${args.join(' ')}`).stdout;
}

/**
 * The app's stack, as its README example would be written: the provider (Redash's URL and API key
 * from REDASH_URL/REDASH_API_KEY), a vendor construct and an AccessPolicy granting a team on it.
 * A cdktn app imports `bi-access/cdktn`, a cdktf app `bi-access`.
 */
export function infraAppMain(framework: Framework): string {
  return `import { App, TerraformOutput, TerraformStack } from '${framework}';
import { AccessPolicy, BiAccessProvider, redash } from '${framework === 'cdktn' ? 'bi-access/cdktn' : 'bi-access'}';

const app = new App();
const stack = new TerraformStack(app, 'access');
new BiAccessProvider(stack, 'biaccess');
const warehouse = new redash.DataSource(stack, 'warehouse', { name: 'warehouse', type: 'pg', options: { host: 'db.internal', dbname: 'analytics' } });
const access = new AccessPolicy(stack, 'access', { people: 'create' });
const analysts = access.team('Analysts', { members: [access.person('ana@example.com', { name: 'Ana' })] });
analysts.grant(access.redash.dataSource(warehouse.id), 'query');
new TerraformOutput(stack, 'warehouse_id', { value: warehouse.id });
app.synth();
`;
}

/** Every folder below dir named `name`, relative to dir (e.g. the copies of a package in node_modules). */
export function foldersNamed(dir: string, name: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return [...(entry.name === name ? [path] : []), ...foldersNamed(dir, name, path)];
    });
}
