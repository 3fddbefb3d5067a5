// The access matrix an AccessPolicy writes at synth: one entry per (principal, vendor, object,
// level) with the addresses of the resources that implement it, in a stable order, so that a
// pull request shows access changes as a diff of access-matrix.json / access-matrix.md.
import type { PolicyLevel, PolicyObjectKind, PolicyVendor } from '../../src/access/policy-levels';

export interface MatrixEntry {
  /** `team:<name>` or `person:<email>`. */
  principal: string;
  vendor: PolicyVendor;
  /** The id as declared; a token shows as the reference it resolves to, e.g. `${biaccess_redash_data_source.x.id}`. */
  object: { kind: PolicyObjectKind; id: string };
  level: PolicyLevel;
  /** Terraform addresses, sorted. */
  resources: string[];
}

export function matrixMarkdown(entries: readonly MatrixEntry[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = entries.map(
    (entry) =>
      `| ${escape(entry.principal)} | ${entry.vendor} | ${entry.object.kind} \`${escape(entry.object.id)}\` | ${entry.level} | ${entry.resources.map((address) => `\`${address}\``).join('<br>')} |`,
  );
  return ['# Access matrix', '', 'Generated at synth by AccessPolicy: who may access what, and the resources that implement it.', '', '| principal | vendor | object | level | resources |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}
