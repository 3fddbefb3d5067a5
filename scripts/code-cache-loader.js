// The start of the provider bundle: it runs the bundled code, held in BUNDLE_SOURCE below, from
// V8's code cache when there is one. Node 20 has no compile cache of its own
// (module.enableCompileCache came with 22.1). Measured on 25 alternated starts of the production
// bundle: 207 ms to the handshake as a plain bundle, 211 ms through here without a cache, 179 ms
// with it (medians; a bare node printing a line took ~115 ms).
// The cache lives in a folder of the temporary directory that only this user may use, one file
// per bundle (BUNDLE_HASH: V8 itself only compares the source's length), Node version and place
// of the bundle (code from a cache keeps the file name it was compiled under, which stack traces
// show); a cache V8 rejects (other flags or V8) is written anew. Nothing is written beside the bundle:
// Terraform's lock hash covers that folder.
'use strict';
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Script } = require('node:vm');

function cacheFolderIsPrivate(folder) {
  const stat = statSync(folder);
  return stat.isDirectory() && (stat.mode & 0o077) === 0 && (typeof process.getuid !== 'function' || stat.uid === process.getuid());
}

function readCache(file, folder) {
  try {
    return cacheFolderIsPrivate(folder) ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file, folder, data) {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!cacheFolderIsPrivate(folder)) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A cache is an optimisation: without it the bundle is compiled as usual.
  }
}

const folder = join(tmpdir(), `biaccess-code-cache-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
/** FNV-1a of the bundle's path, as a short name part (node:crypto would cost a start more). */
function pathHash(path) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

const file = join(folder, `${BUNDLE_HASH}-${pathHash(__filename)}-${process.version}-${process.arch}.bin`);
const cachedData = process.env.BIACCESS_CODE_CACHE === '0' ? undefined : readCache(file, folder);
// The bundled code as a function of a module's variables, its wrapper on a line of its own
// (lineOffset -1), so positions in stack traces and profiles are those of the bundled code, as its
// source map has them. The build puts it here as a string.
const wrappedBundle = WRAPPED_BUNDLE_SOURCE;
const script = new Script(wrappedBundle, { filename: __filename, lineOffset: -1, cachedData });
script.runInThisContext().call(module.exports, exports, require, module, __filename, __dirname);
// After the bundle's start-up code ran, so the functions it compiled are in the cache too.
if (process.env.BIACCESS_CODE_CACHE !== '0' && (cachedData === undefined || script.cachedDataRejected)) writeCache(file, folder, script.createCachedData());
