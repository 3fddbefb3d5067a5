#!/usr/bin/env node
// `npm run build`: everything the package runs from, in dist/.
//   1. tsc compiles src/, lib/, test/ and main.ts into dist/ (emptied first: tsc never deletes
//      outputs, and jest runs dist/test/**/*.test.js, so a deleted test would keep running);
//   2. the plugin protocol's .proto files become one JSON descriptor next to the compiled server,
//      so nothing reads .proto files at run time (and parsing them, ~40 ms, leaves the start-up);
//   3. esbuild bundles the provider and the bi-access command line into dist/bundle/, one file
//      each with every dependency inside: the installed provider is that one file next to its
//      executable, and the package needs no runtime dependencies;
//      The bench and its profile use a bundle of the test provider (the real vendors plus the
//      test vendor, dist/test/bundle/), with an external source map that maps samples back;
//   4. dist/lib-cdktn/ is dist/lib/ importing cdktn instead of cdktf (the entry `bi-access/cdktn`).
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function step(label, action) {
  const startedAt = Date.now();
  action();
  if (process.env.BUILD_VERBOSE) process.stderr.write(`build: ${label} in ${Date.now() - startedAt} ms\n`);
}

step('clean', () => rmSync(dist, { recursive: true, force: true }));

step('tsc', () => {
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
});

step('protocol descriptor', () => {
  // The runtime rebuilds the same protobufjs Root from this JSON (src/protocol/grpc.ts); keepCase
  // keeps the fields' snake_case names, which the server's handlers use.
  const protobuf = require('protobufjs');
  const protoDir = join(root, 'src', 'protocol', 'proto');
  const files = readdirSync(protoDir).filter((name) => name.endsWith('.proto')).sort();
  const protoRoot = new protobuf.Root().loadSync(files.map((name) => join(protoDir, name)), { keepCase: true });
  writeFileSync(join(dist, 'src', 'protocol', 'protocol-descriptor.json'), JSON.stringify(protoRoot.toJSON()));
});

step('bundles', () => {
  const esbuild = require('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    absWorkingDir: root,
    legalComments: 'none',
    // Without comments the bundle is ASCII (esbuild escapes other characters in strings): a few
    // non-ASCII comment characters made Node decode the whole file as a two-byte string, and
    // reading the 2.2 MB bundle took ~48 ms against ~24 ms for the 1.4 MB ASCII one. Names are
    // kept (no minifyIdentifiers), so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    // The version is read from package.json by the unbundled build; a bundle carries it.
    define: { BUNDLED_PACKAGE_VERSION: JSON.stringify(version) },
  };
  // The entries call the compiled modules' exports: a module's `require.main === module` is false
  // inside a bundle. Both bundles sit two levels below the package root, as dist/src/*.js do.
  const entries = {
    'terraform-provider-biaccess.js':
      "require('./dist/src/cli/provider-main.js').runProvider(require('./dist/src/vendors/index.js').vendors);",
    'bi-access.js': "require('./dist/src/cli/bi-access.js').run();",
  };
  for (const [file, contents] of Object.entries(entries)) {
    esbuild.buildSync({
      ...common,
      stdin: { contents, resolveDir: root, sourcefile: `${file} (entry)`, loader: 'js' },
      outfile: join(dist, 'bundle', file),
      banner: { js: `// bi-access ${version}: built by scripts/build.js with esbuild; every dependency is inside.` },
    });
    if (/[^\x00-\x7f]/.test(readFileSync(join(dist, 'bundle', file), 'latin1'))) throw new Error(`dist/bundle/${file} is not ASCII`);
  }
  // Built as the production provider is, so the bench measures what users run. The map is not
  // referenced from the file (Node would not load it anyway without --enable-source-maps).
  esbuild.buildSync({
    ...common,
    stdin: { contents: "require('./dist/test/support/testkit/provider-main.js');", resolveDir: root, sourcefile: 'testkit-provider.js (entry)', loader: 'js' },
    outfile: join(dist, 'test', 'bundle', 'testkit-provider.js'),
    sourcemap: 'external',
  });
  // The providers start through V8's code cache (scripts/code-cache-loader.js); the command line
  // runs once per command, so it stays a plain bundle.
  for (const bundle of [join(dist, 'bundle', 'terraform-provider-biaccess.js'), join(dist, 'test', 'bundle', 'testkit-provider.js')]) {
    const source = readFileSync(bundle, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    const loader = readFileSync(join(__dirname, 'code-cache-loader.js'), 'utf8')
      .replace(/^\/\/.*\n/gm, '') // its comments stay in scripts/, as the bundle's do in src/
      .replace('BUNDLE_HASH', JSON.stringify(createHash('sha256').update(source).digest('hex').slice(0, 32)))
      .replace('WRAPPED_BUNDLE_SOURCE', () => JSON.stringify(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`));
    if (!loader.includes('const wrappedBundle = "')) throw new Error('scripts/code-cache-loader.js: the bundle could not be put in place');
    writeFileSync(bundle, `// bi-access ${version}: built by scripts/build.js; the bundled code, with every dependency, is the string below.\n${loader}`);
  }
});

step('cdktn flavour', () => {
  // Only the module specifier differs: cdktn is CDKTF's community continuation with the same API.
  const from = join(dist, 'lib');
  const to = join(dist, 'lib-cdktn');
  cpSync(from, to, { recursive: true });
  const specifier = /((?:require|import)\(|from )(["'])cdktf\2/g;
  for (const file of filesBelow(to)) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(specifier, '$1$2cdktn$2');
    if (/["']cdktf["'/]/.test(rewritten)) throw new Error(`${file} still refers to cdktf after the rewrite`);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
});

function filesBelow(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}
