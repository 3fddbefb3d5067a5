// `bi-access adopt`: takes over the access that exists. Writes an `import {}` block for each
// user, group, membership and grant of a live instance, each with its type's documented import
// ID, then lets Terraform write the matching configuration (`terraform plan
// -generate-config-out`), so that a plan right after shows no change.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Grant, Membership, Principal } from '../access/model';
import { declaredAccessOf, type DeclaredAccess } from '../access/resources';
import { installProvider } from '../install';
import { PROVIDER_SOURCE, PROVIDER_TYPE } from '../provider-identity';
import type { Vendor } from '../vendors/vendor';
import { OpsError, type OpsContext } from './context';
import { grantKey, membershipKey } from './declared';
import { ensureInitialized, terraformOk } from './terraform';
import { accessVendor, connect, type ConnectedVendor } from './vendors';

export const ADOPT_KINDS = ['user', 'group', 'membership', 'grant'] as const;
export type AdoptKind = (typeof ADOPT_KINDS)[number];

export interface ImportBlock {
  kind: AdoptKind;
  type: string;
  name: string;
  id: string;
  /** What it is, for the reader of the file. */
  label: string;
}

export interface AdoptOptions {
  vendor: string;
  out?: string;
  only?: string;
}

export interface AdoptResult {
  dir: string;
  importsFile: string;
  generatedFile: string;
  blocks: ImportBlock[];
  /** What exists but no resource type can import, with why. */
  skipped: string[];
  /** Terraform's plan summary after generating, e.g. `Plan: 12 to import, 0 to add, 0 to change, 0 to destroy.` */
  planSummary?: string;
}

/** A part of an import ID format that stands for an id (`group_id`, `dashboard_uid`, `USER_ID`, `<user_id>`), not a literal (`user`, `team`). */
function isSlot(part: string): boolean {
  return /^<.+>$/.test(part) || /^[A-Z][A-Z_]*$/.test(part) || /(^|_)u?id$/.test(part);
}

/**
 * The import ID of a grant or membership for a resource type, from the type's documented format:
 * each alternative's two id slots are filled with the entry's two ids, and the ID kept is the one
 * the type parses back into exactly this entry. Undefined when the type does not import it.
 */
export function importIdFor(declared: DeclaredAccess, entry: Grant | Membership): string | undefined {
  const grant = declared.shape === 'grant' && 'object' in entry ? entry : undefined;
  const membership = declared.shape === 'membership' && 'group' in entry ? entry : undefined;
  if (!grant && !membership) return undefined;
  const ids = grant ? [grant.object.id, grant.principal.id] : [membership!.group.id, membership!.member.id];
  const wanted = grant ? grantKey(grant) : membershipKey(membership!);
  for (const alternative of declared.format.split('|').map((text) => text.trim())) {
    const parts = alternative.split('/');
    const slots = parts.flatMap((part, index) => (isSlot(part) ? [index] : []));
    if (slots.length !== 2) continue;
    for (const order of [ids, [ids[1], ids[0]]]) {
      const filled = [...parts];
      slots.forEach((slot, index) => (filled[slot] = order[index]));
      const id = filled.join('/');
      let found: string;
      try {
        const values = declared.split(id);
        found = declared.shape === 'grant' ? grantKey(declared.declares(values)) : membershipKey(declared.declares(values));
      } catch {
        continue;
      }
      if (found === wanted) return id;
    }
  }
  return undefined;
}

/** A Terraform resource name from a label, unique within its type. */
class Names {
  private taken = new Set<string>();
  name(type: string, label: string): string {
    const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'unnamed';
    const safe = /^[a-z_]/.test(base) ? base : `r_${base}`;
    let name = safe;
    for (let n = 2; this.taken.has(`${type}.${name}`); n++) name = `${safe}_${n}`;
    this.taken.add(`${type}.${name}`);
    return name;
  }
}

/** The import blocks for what exists at the vendor. */
export async function collectImports({ vendor, client, access }: ConnectedVendor, only: AdoptKind | undefined, context: OpsContext): Promise<{ blocks: ImportBlock[]; skipped: string[] }> {
  const wants = (kind: AdoptKind) => only === undefined || only === kind;
  const names = new Names();
  const blocks: ImportBlock[] = [];
  const skipped: string[] = [];
  const progress = (line: string) => context.progress(`${vendor.name}: ${line}`);
  const users = await access.listPrincipals('user');
  const groups = await access.listPrincipals('group');
  const userLabel = (id: string) => users.find((user) => user.id === id)?.email ?? `user ${id}`;

  const principalBlocks = async (kind: 'user' | 'group', principals: Principal[]) => {
    const resource = vendor.principalResources?.[kind];
    if (!resource) {
      if (principals.length > 0) skipped.push(`${principals.length} ${kind}s: ${vendor.name} has no resource type for them`);
      return;
    }
    for (const principal of principals) {
      const label = principal.email ?? principal.name;
      const id = resource.importId ? await resource.importId(principal, client) : principal.id;
      blocks.push({ kind, type: resource.typeName, name: names.name(resource.typeName, label), id, label: `${kind} ${label}` });
    }
  };
  if (wants('user')) await principalBlocks('user', users);
  // Built-in groups exist everywhere and are no resource's to create: their members and grants are adopted below.
  if (wants('group')) await principalBlocks('group', groups.filter((group) => !group.builtIn));

  const accessTypes = vendor.resources.flatMap((definition) => {
    const declared = declaredAccessOf(definition);
    return declared ? [{ typeName: definition.typeName, declared }] : [];
  });
  const entryBlock = (kind: 'membership' | 'grant', entry: Grant | Membership, label: string) => {
    for (const { typeName, declared } of accessTypes) {
      const id = importIdFor(declared, entry);
      if (id !== undefined) {
        blocks.push({ kind, type: typeName, name: names.name(typeName, label), id, label: `${kind} ${label}` });
        return;
      }
    }
    skipped.push(`${kind} ${label}: no ${vendor.name} resource type imports it`);
  };

  if (wants('membership')) {
    progress(`reading the members of ${groups.length} groups`);
    // Members of all-users groups are the vendor's rule, which no resource declares.
    for (const group of groups.filter((candidate) => !candidate.everyone)) {
      for (const membership of (await access.listMembers(group)) ?? []) entryBlock('membership', membership, `${group.name} ${userLabel(membership.member.id)}`);
    }
  }
  if (wants('grant')) {
    const principalLabel = (grant: Grant) =>
      grant.principal.kind === 'user' ? userLabel(grant.principal.id) : grant.principal.kind === 'group' ? (groups.find((group) => group.id === grant.principal.id)?.name ?? grant.principal.id) : `role ${grant.principal.id}`;
    for (const kind of Object.keys(access.capabilities) as Array<keyof typeof access.capabilities>) {
      const objects = await access.listObjects(kind);
      progress(`reading the grants of ${objects.length} ${kind.replace('_', ' ')}s`);
      for (const object of objects) {
        let grants: Grant[];
        try {
          grants = (await access.listGrants(object)) ?? [];
        } catch (error) {
          skipped.push(`grants on ${kind.replace('_', ' ')}s: ${(error as Error).message}`);
          break;
        }
        // An inherited grant is its folder's, adopted there.
        for (const grant of grants.filter((candidate) => !candidate.inheritedFrom)) entryBlock('grant', grant, `${object.name} ${principalLabel(grant)}`);
      }
    }
  }
  return { blocks, skipped };
}

export function importsFile(vendor: Vendor, blocks: ImportBlock[]): string {
  const header = `# Existing ${vendor.name} access, adopted by \`bi-access adopt\`: one import block per object, with its type's import ID.\n`;
  return header + blocks.map((block) => `\n# ${block.label.replace(/\s+/g, ' ')}\nimport {\n  to = ${block.type}.${block.name}\n  id = ${JSON.stringify(block.id)}\n}\n`).join('');
}

export function parseAdoptKind(text: string | undefined): AdoptKind | undefined {
  if (text === undefined) return undefined;
  if (!(ADOPT_KINDS as readonly string[]).includes(text)) throw new OpsError(`--only takes one of ${ADOPT_KINDS.join(', ')}; got "${text}"`);
  return text as AdoptKind;
}

export async function adopt(options: AdoptOptions, context: OpsContext): Promise<AdoptResult> {
  const only = parseAdoptKind(options.only);
  const vendor = accessVendor(options.vendor);
  const dir = resolve(context.cwd, options.out ?? '.');
  const importsPath = join(dir, `imports-${vendor.name}.tf`);
  const generatedPath = join(dir, `generated-${vendor.name}.tf`);
  // Terraform refuses to generate over a file; the configuration in it may have been edited since.
  if (existsSync(generatedPath)) throw new OpsError(`${generatedPath} exists already: move it away to adopt again`);

  const connected = connect(vendor, context);
  const { blocks, skipped } = await collectImports(connected, only, context);
  mkdirSync(dir, { recursive: true });
  const fresh = !readdirSync(dir).some((file) => file.endsWith('.tf') || file.endsWith('.tf.json'));
  if (fresh) {
    // A new directory: the provider block (settings from the environment) and the provider
    // installed next to it, as `bi-access install --dir` does, so Terraform finds it offline.
    writeFileSync(join(dir, 'providers.tf'), `terraform {\n  required_providers {\n    ${PROVIDER_TYPE} = { source = "${PROVIDER_SOURCE}" }\n  }\n}\n\n# Settings come from the environment (${vendor.config.url?.env ?? vendor.name.toUpperCase() + '_*'} and its credentials).\nprovider "${PROVIDER_TYPE}" {}\n`);
    // Unless Terraform is told to attach to a provider already running (TF_REATTACH_PROVIDERS).
    if (!context.env.TF_REATTACH_PROVIDERS) installProvider({ workingDir: dir });
  }
  writeFileSync(importsPath, importsFile(vendor, blocks));
  const result: AdoptResult = { dir, importsFile: importsPath, generatedFile: generatedPath, blocks, skipped };
  if (blocks.length === 0) return result;

  await ensureInitialized(dir, context);
  context.progress(`terraform plan -generate-config-out=${generatedPath}`);
  const plan = await terraformOk(['plan', '-input=false', `-generate-config-out=${generatedPath}`], dir, context);
  result.planSummary = /^Plan: .*$/m.exec(plan.stdout)?.[0];
  return result;
}
