// A private copy of the provider build for the bench. Other work in the same checkout may run
// `tsc` at any moment, which rewrites dist/ file by file; a provider started mid-rewrite fails its
// handshake ("Failed to read any lines from plugin's stdout"). Copying a quiet dist/ once makes
// every provider process of the run load the same complete build.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/provider-identity';

/** dist/ counts as finished when nothing in it changed for this long. */
const QUIET_MS = 2_000;
const GIVE_UP_AFTER_MS = 60_000;

export interface BuildSnapshot {
  root: string;
  /** When dist/ was last written before the copy. */
  builtAt: Date;
  /** The provider with the test vendor (as TESTKIT_PROVIDER_ENTRY, inside the copy). */
  testkitEntry: string;
  /** The test provider bundled as the production one is (dist/test/bundle/), and its source map. */
  testkitBundle: string;
  testkitBundleMap: string;
  /** The production bundle, as an installed provider runs it (dist/bundle/terraform-provider-biaccess.js). */
  productionBundle: string;
  /** The same provider unbundled (dist/src/cli/provider-main.js, inside the copy). */
  unbundledEntry: string;
  remove(): void;
}

/**
 * Copies what the provider loads at run time: dist/, bin/ and package.json (read for the version
 * by the unbundled build); node_modules is linked, not copied.
 */
export async function snapshotBuild(packageRoot: string = PACKAGE_ROOT): Promise<BuildSnapshot> {
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  const dist = join(packageRoot, 'dist');
  for (;;) {
    const lastChange = newestModification(dist);
    const quietFor = Date.now() - lastChange;
    if (quietFor >= QUIET_MS) {
      const root = mkdtempSync(join(tmpdir(), 'biaccess-bench-build-'));
      cpSync(dist, join(root, 'dist'), { recursive: true });
      cpSync(join(packageRoot, 'bin'), join(root, 'bin'), { recursive: true });
      cpSync(join(packageRoot, 'package.json'), join(root, 'package.json'));
      symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
      // A build that started during the copy may have left a mix of old and new files: copy again.
      if (newestModification(dist) === lastChange) {
        return {
          root,
          builtAt: new Date(lastChange),
          testkitEntry: join(root, 'dist', 'test', 'support', 'testkit', 'provider-main.js'),
          testkitBundle: join(root, 'dist', 'test', 'bundle', 'testkit-provider.js'),
          testkitBundleMap: join(root, 'dist', 'test', 'bundle', 'testkit-provider.js.map'),
          productionBundle: join(root, 'dist', 'bundle', 'terraform-provider-biaccess.js'),
          unbundledEntry: join(root, 'dist', 'src', 'cli', 'provider-main.js'),
          remove: () => rmSync(root, { recursive: true, force: true }),
        };
      }
      rmSync(root, { recursive: true, force: true });
    }
    if (Date.now() > giveUpAt) throw new Error(`dist/ kept changing for ${GIVE_UP_AFTER_MS / 1000} s; cannot take a consistent copy`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(200, QUIET_MS - quietFor)));
  }
}

/** Latest mtime (ms) of any file or folder under dir; now, if something vanished while we looked. */
function newestModification(dir: string): number {
  try {
    let newest = statSync(dir).mtimeMs;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
    }
    return newest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Date.now();
    throw error;
  }
}
