// `bi-access audit`: who can access what, as the vendors have it now. Every grant on every object
// is followed to the people it reaches: directly, through a group (team, role) and its members,
// through a Grafana basic role and its holders, from a folder to what it holds. One entry per
// path, so a reviewer sees each way a person gets in; `managed` says whether a Terraform state
// declares that path.
import { AccessSubjectError, type AccessLevel, type Grant, type Membership, type ObjectKind, type Principal, type PrincipalRef } from '../access/model';
import { OpsError, type OpsContext } from './context';
import { declarationsOf, grantKey, membershipKey, principalKey, type VendorDeclarations } from './declared';
import { stateOf, workingDirectory } from './terraform';
import { connectAll, type ConnectedVendor } from './vendors';

export interface AuditEntry {
  vendor: string;
  object: { kind: ObjectKind; id: string; name: string };
  person: { email: string };
  level: AccessLevel;
  /** How the access arises, from the object outwards: `folder:<uid>`, then `direct`, `<team|group|role>:<name>`. */
  via: string[];
  managed: boolean;
}

export interface AuditOptions {
  vendor?: string;
  /** `KIND:ID`, e.g. `dashboard:kpis`. */
  object?: string;
  person?: string;
  /** A Terraform directory whose state says what is managed. */
  state?: string;
}

const OBJECT_KINDS: readonly ObjectKind[] = ['dashboard', 'folder', 'data_source', 'data_model'];

export function parseObjectFilter(text: string): { kind: ObjectKind; id: string } {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as ObjectKind;
  if (colon < 1 || !OBJECT_KINDS.includes(kind) || colon === text.length - 1) {
    throw new OpsError(`--object takes KIND:ID with KIND one of ${OBJECT_KINDS.join(', ')}, e.g. dashboard:kpis; got "${text}"`);
  }
  return { kind, id: text.slice(colon + 1) };
}

export async function audit(options: AuditOptions, context: OpsContext): Promise<AuditEntry[]> {
  const objectFilter = options.object === undefined ? undefined : parseObjectFilter(options.object);
  const declarations = options.state === undefined ? undefined : declarationsOf(await stateOf(workingDirectory({ dir: options.state }, context), context));
  const entries: AuditEntry[] = [];
  for (const connected of connectAll(options.vendor === undefined ? undefined : [options.vendor], context)) {
    const declared = declarations?.get(connected.vendor.name) ?? { grants: new Map(), memberships: new Map(), managedGroups: new Map() };
    entries.push(...(await auditVendor(connected, declared, { ...options, objectFilter, withState: declarations !== undefined }, context)));
  }
  const person = options.person?.toLowerCase();
  return entries.filter((entry) => person === undefined || entry.person.email.toLowerCase() === person).sort(compareEntries);
}

interface VendorAuditOptions {
  objectFilter?: { kind: ObjectKind; id: string };
  withState: boolean;
}

async function auditVendor({ vendor, access }: ConnectedVendor, declared: VendorDeclarations, options: VendorAuditOptions, context: OpsContext): Promise<AuditEntry[]> {
  const progress = (line: string) => context.progress(`${vendor.name}: ${line}`);
  progress('reading users, groups and roles');
  const principals = new Map<string, Principal>();
  for (const kind of ['user', 'group', 'role'] as const) for (const principal of await access.listPrincipals(kind)) principals.set(principalKey(principal), principal);
  const members = new Map<string, Promise<Membership[]>>();
  const membersOf = (group: PrincipalRef) => {
    const key = principalKey(group);
    if (!members.has(key)) members.set(key, access.listMembers(group).then((found) => found ?? []));
    return members.get(key)!;
  };

  const entries: AuditEntry[] = [];
  const kinds = (Object.keys(access.capabilities) as ObjectKind[]).filter((kind) => !options.objectFilter || options.objectFilter.kind === kind);
  for (const kind of kinds) {
    const objects = (await access.listObjects(kind)).filter((object) => !options.objectFilter || options.objectFilter.id === object.id);
    let done = 0;
    for (const object of objects) {
      if (done % 50 === 0) progress(`grants of ${kind.replace('_', ' ')}s: ${done}/${objects.length}`);
      done++;
      let grants: Grant[];
      try {
        grants = (await access.listGrants(object)) ?? [];
      } catch (error) {
        // A kind this server does not offer (Grafana data source permissions without Enterprise).
        if (!(error instanceof AccessSubjectError)) throw error;
        progress(`skipping ${kind.replace('_', ' ')}s: ${error.message}`);
        break;
      }
      for (const grant of grants) {
        const base = grant.inheritedFrom ? [`folder:${grant.inheritedFrom.id}`] : [];
        const grantDeclared = declared.grants.has(grantKey({ object: grant.inheritedFrom ?? object, principal: grant.principal }));
        const entry = (user: Principal, via: string[], managed: boolean): AuditEntry => ({
          vendor: vendor.name,
          object: { kind, id: object.id, name: object.name },
          person: { email: user.email ?? `${user.kind}:${user.id}` },
          level: grant.level,
          via: [...base, ...via],
          managed: options.withState && managed,
        });
        if (grant.principal.kind === 'user') {
          const user = principals.get(principalKey(grant.principal));
          if (user && !user.disabled) entries.push(entry(user, ['direct'], grantDeclared));
          continue;
        }
        const group = principals.get(principalKey(grant.principal)) ?? { ...grant.principal, name: grant.principal.id };
        const step = `${group.kind === 'group' ? access.groupTerm : 'role'}:${group.name}`;
        for (const membership of await membersOf(grant.principal)) {
          const user = principals.get(principalKey(membership.member));
          if (!user || user.disabled) continue;
          // A role's holders and an all-users group's members are the vendor's rule; a team's members are someone's choice.
          const membershipDeclared = group.kind !== 'group' || group.everyone === true || declared.memberships.has(membershipKey(membership));
          entries.push(entry(user, [step], grantDeclared && membershipDeclared));
        }
      }
    }
  }
  progress(`${entries.length} access paths`);
  return entries;
}

function compareEntries(a: AuditEntry, b: AuditEntry): number {
  return (
    a.vendor.localeCompare(b.vendor) ||
    a.object.kind.localeCompare(b.object.kind) ||
    a.object.name.localeCompare(b.object.name) ||
    a.object.id.localeCompare(b.object.id) ||
    a.person.email.localeCompare(b.person.email) ||
    a.via.join(' ').localeCompare(b.via.join(' '))
  );
}

