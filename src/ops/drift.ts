// `bi-access drift`: what changed outside Terraform, read-only. A refresh-only plan (saved to a
// temporary file, never applied) gives what Terraform itself sees: resources deleted and
// attributes changed. What Terraform cannot see, access nobody declared on a managed group or on
// an object with a declared grant, is found through the vendors' access adapters.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AccessAdapter, AccessLevel, AccessObject, Grant, Membership, ObjectKind, Principal, PrincipalRef } from '../access/model';
import { OpsError, type OpsContext } from './context';
import { declarationsOf, grantKey, membershipKey, objectKey, type VendorDeclarations } from './declared';
import { matchingRule, parseIgnoreFile, type IgnoreRule } from './ignore';
import { ensureInitialized, managedResources, terraformOk, workingDirectory } from './terraform';
import { accessVendor, connect, resourceDefinition, vendorOfType } from './vendors';

export type DriftClass = 'deleted' | 'changed' | 'added';

export interface AttributeChange {
  attribute: string;
  stored: unknown;
  live: unknown;
}

export interface DriftItem {
  address: string;
  vendor: string;
  class: DriftClass;
  changes: AttributeChange[];
  /** `added` only: who, … */
  person?: { email?: string; id: string };
  principal?: { kind: string; id: string; name: string };
  /** … and in which group or on which object, at which level. */
  group?: { id: string; name: string };
  object?: { kind: ObjectKind; id: string; name: string };
  level?: AccessLevel;
}

export interface DriftReport {
  drift: DriftItem[];
  ignored: number;
}

/** Shown instead of a sensitive value. */
export const MASK = '(sensitive)';

/** One `resource_drift` entry of `terraform show -json <plan>`. */
export interface PlannedDrift {
  address: string;
  type: string;
  provider_name: string;
  change: {
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
  };
}

/**
 * The class of one resource drift and its attribute changes, secrets masked; undefined when no
 * attribute differs (Terraform also lists objects whose values only changed form).
 */
export function classifyResourceDrift(entry: PlannedDrift): DriftItem | undefined {
  const vendor = vendorOfType(entry.type)?.name ?? entry.provider_name.split('/').pop() ?? entry.provider_name;
  const { actions, before, after } = entry.change;
  if (actions.includes('delete') || after === null) return { address: entry.address, vendor, class: 'deleted', changes: [] };
  const sensitive = sensitiveAttributes(entry);
  const changes: AttributeChange[] = [];
  for (const attribute of [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].sort()) {
    const stored = before?.[attribute] ?? null;
    const live = after[attribute] ?? null;
    if (JSON.stringify(stored) === JSON.stringify(live)) continue;
    changes.push(sensitive.has(attribute) ? { attribute, stored: stored === null ? null : MASK, live: live === null ? null : MASK } : { attribute, stored, live });
  }
  return changes.length === 0 ? undefined : { address: entry.address, vendor, class: 'changed', changes };
}

/** The schema's sensitive attributes, and those Terraform marks sensitive on either side. */
function sensitiveAttributes(entry: PlannedDrift): Set<string> {
  const names = new Set<string>();
  for (const [name, spec] of Object.entries(resourceDefinition(entry.type)?.attributes ?? {})) if (spec.sensitive) names.add(name);
  for (const marks of [entry.change.before_sensitive, entry.change.after_sensitive]) {
    if (marks === true) return new Set([...Object.keys(entry.change.before ?? {}), ...Object.keys(entry.change.after ?? {})]);
    if (marks && typeof marks === 'object') for (const [name, mark] of Object.entries(marks)) if (mark !== false) names.add(name);
  }
  return names;
}

/** Names of a vendor's principals and objects, read once and only when an added entry needs them. */
class Names {
  private principals = new Map<string, Promise<Principal[]>>();
  private objects = new Map<string, Promise<AccessObject[]>>();
  constructor(private readonly access: AccessAdapter) {}

  async principal(ref: PrincipalRef): Promise<Principal> {
    if (!this.principals.has(ref.kind)) this.principals.set(ref.kind, this.access.listPrincipals(ref.kind));
    return (await this.principals.get(ref.kind)!).find((candidate) => candidate.id === ref.id) ?? { ...ref, name: ref.id };
  }

  async object(kind: ObjectKind, id: string): Promise<AccessObject> {
    if (!this.objects.has(kind)) this.objects.set(kind, this.access.listObjects(kind));
    return (await this.objects.get(kind)!).find((candidate) => candidate.id === id) ?? { kind, id, name: id };
  }
}

/** How an added entry's principal is named in its address and summary: `user/<email>`, `team/<name>`, `role/<name>`. */
function principalLabel(principal: Principal, access: AccessAdapter): string {
  if (principal.kind === 'user') return `user/${principal.email ?? principal.id}`;
  return `${principal.kind === 'group' ? access.groupTerm : 'role'}/${principal.name}`;
}

/**
 * Access nobody declared: members of managed groups and grants on objects with a declared grant
 * that no resource declares. Not drift: what the vendor makes itself (entries marked vendorMade,
 * the members of all-users groups) and grants reaching an object from its folder.
 */
export async function findAdded(vendorName: string, declared: VendorDeclarations, access: AccessAdapter): Promise<DriftItem[]> {
  const names = new Names(access);
  const items: DriftItem[] = [];
  for (const [groupId, address] of declared.managedGroups) {
    const group = await names.principal({ kind: 'group', id: groupId });
    if (group.everyone) continue;
    const members: Membership[] = (await access.listMembers({ kind: 'group', id: groupId })) ?? [];
    for (const membership of members) {
      if (membership.vendorMade || declared.memberships.has(membershipKey(membership))) continue;
      const person = await names.principal(membership.member);
      const email = person.email ?? person.id;
      items.push({
        address: `${address}/member/${email}`,
        vendor: vendorName,
        class: 'added',
        changes: [{ attribute: 'member', stored: null, live: email }],
        person: { email: person.email, id: person.id },
        group: { id: group.id, name: group.name },
      });
    }
  }
  const objects = new Map(Array.from(declared.grants.values(), ({ grant }) => [objectKey(grant.object), grant.object]));
  for (const object of objects.values()) {
    const grants: Grant[] = (await access.listGrants(object)) ?? [];
    for (const grant of grants) {
      if (grant.inheritedFrom || grant.vendorMade || declared.grants.has(grantKey(grant))) continue;
      const [target, principal] = await Promise.all([names.object(object.kind, object.id), names.principal(grant.principal)]);
      items.push({
        address: `${vendorName}/${object.kind}/${object.id}/${principalLabel(principal, access)}`,
        vendor: vendorName,
        class: 'added',
        changes: [{ attribute: 'level', stored: null, live: grant.level }],
        person: principal.kind === 'user' ? { email: principal.email, id: principal.id } : undefined,
        principal: { kind: principal.kind, id: principal.id, name: principal.name },
        object: { kind: target.kind, id: target.id, name: target.name },
        level: grant.level,
      });
    }
  }
  return items;
}

export interface DriftOptions {
  dir?: string;
  stack?: string;
  /** The ignore file's path. */
  ignore?: string;
}

const CLASS_ORDER: Record<DriftClass, number> = { deleted: 0, changed: 1, added: 2 };

/** Runs the refresh-only plan and the adapters' reads; changes nothing in the state or at the vendors. */
export async function detectDrift(options: DriftOptions, context: OpsContext): Promise<DriftReport> {
  const rules: IgnoreRule[] = options.ignore === undefined ? [] : readIgnoreFile(resolve(context.cwd, options.ignore), options.ignore);
  const dir = workingDirectory(options, context);
  await ensureInitialized(dir, context);
  const scratch = mkdtempSync(join(tmpdir(), 'bi-access-drift-'));
  let shown: { resource_drift?: PlannedDrift[]; prior_state?: { values?: Parameters<typeof managedResources>[0] } };
  try {
    const planFile = join(scratch, 'drift.tfplan');
    context.progress(`terraform plan -refresh-only in ${dir}`);
    // The plan is saved outside the user's directory and never applied: the state stays as it is.
    await terraformOk(['plan', '-refresh-only', '-input=false', `-out=${planFile}`], dir, context);
    shown = JSON.parse((await terraformOk(['show', '-json', planFile], dir, context)).stdout);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const found: DriftItem[] = [];
  const drifted = shown.resource_drift ?? [];
  for (const entry of drifted) {
    const item = classifyResourceDrift(entry);
    if (item) found.push(item);
  }
  // What the resources declare: the refreshed state, and the stored values of those found deleted.
  const resources = managedResources(shown.prior_state?.values);
  for (const entry of drifted) {
    if (entry.change.before && entry.change.after === null) resources.push({ address: entry.address, type: entry.type, providerName: entry.provider_name, values: entry.change.before, sensitiveValues: {} });
  }
  for (const [vendorName, declared] of declarationsOf(resources)) {
    if (declared.managedGroups.size === 0 && declared.grants.size === 0) continue;
    context.progress(`${vendorName}: looking for access nobody declared`);
    const { access } = connect(accessVendor(vendorName), context);
    found.push(...(await findAdded(vendorName, declared, access)));
  }
  return applyIgnoreRules(found, rules);
}

/** Drops ignored items (counting them) and orders the rest: deleted, changed, added, then by address. */
export function applyIgnoreRules(items: DriftItem[], rules: IgnoreRule[]): DriftReport {
  const drift = items.filter((item) => !matchingRule(rules, item.address));
  drift.sort((a, b) => CLASS_ORDER[a.class] - CLASS_ORDER[b.class] || a.address.localeCompare(b.address));
  return { drift, ignored: items.length - drift.length };
}

function readIgnoreFile(path: string, given: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new OpsError(`cannot read the ignore file ${given}: ${reason}`);
  }
  try {
    return parseIgnoreFile(text);
  } catch (error) {
    throw new OpsError(`ignore file ${given}: ${(error as Error).message}`);
  }
}

/** The text table: one row per item, then the counts. */
export function driftTable(report: DriftReport): string {
  const footer = `${report.drift.length} drifted, ${report.ignored} ignored\n`;
  if (report.drift.length === 0) return `No drift.\n${footer}`;
  const rows = report.drift.map((item) => [item.class, item.address, item.vendor, describe(item)]);
  return table(['CLASS', 'ADDRESS', 'VENDOR', 'CHANGE'], rows) + footer;
}

function describe(item: DriftItem): string {
  if (item.class === 'deleted') return 'gone outside Terraform';
  if (item.class === 'added') {
    if (item.group) return `${item.person?.email ?? item.person?.id} added to ${item.group.name}`;
    return `${item.principal?.name ?? '?'} given ${item.level} on ${item.object?.kind.replace('_', ' ')} ${item.object?.name}`;
  }
  return item.changes.map((change) => `${change.attribute}: ${show(change.stored)} → ${show(change.live)}`).join('; ');
}

function show(value: unknown): string {
  return value === MASK ? MASK : JSON.stringify(value);
}

/** Left-aligned columns, the last one unpadded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ') + '\n';
  return [header, ...rows].map(line).join('');
}
