// Reading and writing `.terraform.lock.hcl` the way `terraform init` formats it.

export interface ProviderLock {
  /** Fully qualified address, e.g. `registry.terraform.io/bi-access/biaccess`. */
  address: string;
  version: string;
  constraints: string;
  hashes: string[];
}

const LOCK_FILE_HEADER =
  '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

/** One `provider "…" { … }` block, formatted like Terraform's own. */
export function renderProviderLock(lock: ProviderLock): string {
  return [
    `provider ${JSON.stringify(lock.address)} {`,
    `  version     = ${JSON.stringify(lock.version)}`,
    `  constraints = ${JSON.stringify(lock.constraints)}`,
    '  hashes = [',
    ...lock.hashes.map((hash) => `    ${JSON.stringify(hash)},`),
    '  ]',
    '}',
  ].join('\n');
}

/**
 * The lock file with `lock` replacing any earlier block for the same provider. Other providers'
 * blocks are kept verbatim; blocks are ordered by address as Terraform orders them.
 */
export function mergeProviderLock(existingLockFile: string | undefined, lock: ProviderLock): string {
  const blocks = parseProviderBlocks(existingLockFile ?? '');
  blocks.set(lock.address, renderProviderLock(lock));
  const ordered = [...blocks.entries()].sort(([a], [b]) => compareProviderAddresses(a, b));
  return `${LOCK_FILE_HEADER}\n${ordered.map(([, block]) => block).join('\n\n')}\n`;
}

/** Provider address → block text (from `provider "…" {` to its closing `}` at the start of a line). */
function parseProviderBlocks(lockFile: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = lockFile.split(/\r?\n/);
  for (let start = 0; start < lines.length; start++) {
    const opening = /^provider\s+"([^"]+)"\s*\{\s*$/.exec(lines[start]);
    if (!opening) continue;
    let end = start + 1;
    while (end < lines.length && !/^\}\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`malformed lock file: the block for ${opening[1]} is not closed`);
    blocks.set(opening[1], lines.slice(start, end + 1).join('\n'));
    start = end;
  }
  return blocks;
}

/** Terraform sorts lock entries by hostname, then namespace, then type. */
function compareProviderAddresses(a: string, b: string): number {
  const partsA = a.split('/');
  const partsB = b.split('/');
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const partA = partsA[i] ?? '';
    const partB = partsB[i] ?? '';
    if (partA !== partB) return partA < partB ? -1 : 1;
  }
  return 0;
}
