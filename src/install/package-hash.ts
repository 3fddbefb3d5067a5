// Terraform's `h1:` package hash, so the lock entry we write is the one `terraform init` would write.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `h1:` hash Terraform records for an unpacked provider package folder: Go's dirhash.Hash1.
 * Every file below `dir`, sorted by slash-separated relative path, contributes the line
 * `hex(sha256(content)) + "  " + path + "\n"`; the hash is sha256 of those lines, base64.
 * File contents are read through symlinks, as Terraform does.
 */
export function packageHashV1(dir: string): string {
  const summary = createHash('sha256');
  for (const path of filesBelow(dir).sort(compareBytes)) {
    if (path.includes('\n')) throw new Error(`cannot hash ${join(dir, path)}: file names with newlines are not allowed`);
    const contentHash = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
    summary.update(`${contentHash}  ${path}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(dir, path) : [path];
  });
}

/** Go's sort.Strings order (bytewise), which differs from JS's UTF-16 order outside the BMP. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
