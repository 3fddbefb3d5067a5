// AccessPolicy: one declaration of who may access what, compiled into the per-vendor resources the
// provider serves. People and teams are declared once; a grant names an object in any vendor and a
// level in one vocabulary (see ./levels). At synth the policy checks every grant against the
// mapping (nothing is written when one fails), merges duplicates (the strongest level wins), and
// declares users, groups, memberships and grants only in the vendors that need them, with
// construct ids made from emails, names and object ids, so that adding a person or a grant never
// renames another's resources. Next to the stack's cdk.tf.json it writes the access matrix.
import { Annotations, DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, Tokenization, type ISynthesisSession, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BiAccessProvider } from '../provider';
import * as grafana from '../generated/grafana';
import * as periscope from '../generated/periscope';
import * as redash from '../generated/redash';
import * as sisense from '../generated/sisense';
import { allowedLevels, mappingOf, PERISCOPE_PERMISSIONS, strongest, type PolicyLevel, type PolicyObjectKind, type PolicyVendor } from '../../src/access/policy-levels';
import { matrixMarkdown, type MatrixEntry } from './matrix';

export interface AccessPolicyProps {
  /**
   * `lookup` (default): people exist already (provisioned by SSO, say) and are found by email;
   * `create`: the policy declares their users, in the vendors where a grant needs them.
   */
  readonly people?: 'create' | 'lookup';
  /**
   * Initial passwords by email, for vendors that need one to create a user (Grafana), with
   * `people: 'create'`. Strings or tokens (e.g. a sensitive TerraformVariable's value). They are
   * written write-only: never stored in the plan or the state (Terraform >= 1.11).
   */
  readonly passwords?: Readonly<Record<string, string>>;
}

export interface PersonOptions {
  /** Display name; required with `people: 'create'`. */
  readonly name?: string;
}

export interface TeamOptions {
  readonly members?: readonly Person[];
}

export interface SisenseDashboardOptions {
  /** The oid of the data model the dashboard queries: its members are given `use` on it too, so the dashboard shows data. */
  readonly dataModel?: string;
}

/** An object in one vendor that access is given on. Ids may be tokens. */
export class AccessObject {
  /** @internal */
  constructor(
    readonly vendor: PolicyVendor,
    readonly kind: PolicyObjectKind,
    readonly id: string,
    readonly dataModel?: string,
  ) {}
}

interface Declaration {
  holder: Person | Team;
  object: AccessObject;
  level: PolicyLevel;
}

abstract class Holder {
  /** @internal */
  readonly declarations: Declaration[] = [];

  /** @internal */
  constructor(private readonly policy: AccessPolicy) {}

  /** Gives this person or team `level` on the object; declared twice, the strongest level wins. */
  grant(object: AccessObject, level: PolicyLevel): this {
    this.policy.assertOpen();
    this.declarations.push({ holder: this as unknown as Person | Team, object, level });
    return this;
  }
}

export class Person extends Holder {
  /** @internal */
  constructor(
    policy: AccessPolicy,
    readonly email: string,
    public name: string | undefined,
  ) {
    super(policy);
  }

  /** As the access matrix names it. */
  get label(): string {
    return `person:${this.email}`;
  }
}

export class Team extends Holder {
  /** @internal */
  constructor(
    policy: AccessPolicy,
    readonly name: string,
    readonly members: Person[],
  ) {
    super(policy);
  }

  get label(): string {
    return `team:${this.name}`;
  }
}

/** A grant after merging, with its id resolved (a token's reference text) for keys and ids. */
interface Resolved {
  holder: Person | Team;
  object: AccessObject;
  objectId: string;
  level: PolicyLevel;
}

export class AccessPolicy extends Construct {
  readonly redash = {
    dataSource: (id: string | number) => new AccessObject('redash', 'data_source', String(id)),
    dashboard: (id: string | number) => new AccessObject('redash', 'dashboard', String(id)),
  };
  readonly grafana = {
    dashboard: (uid: string) => new AccessObject('grafana', 'dashboard', uid),
    folder: (uid: string) => new AccessObject('grafana', 'folder', uid),
    dataSource: (uid: string) => new AccessObject('grafana', 'data_source', uid),
  };
  readonly sisense = {
    dashboard: (oid: string, options: SisenseDashboardOptions = {}) => new AccessObject('sisense', 'dashboard', oid, options.dataModel),
    dataModel: (oid: string) => new AccessObject('sisense', 'data_model', oid),
  };
  readonly periscope = {
    dashboard: (id: string | number) => new AccessObject('periscope', 'dashboard', String(id)),
  };

  private readonly peopleMode: 'create' | 'lookup';
  private readonly passwords: Readonly<Record<string, string>>;
  private readonly people = new Map<string, Person>();
  private readonly teams = new Map<string, Team>();
  private compiled = false;
  private matrix: MatrixEntry[] = [];

  constructor(scope: Construct, id: string, props: AccessPolicyProps = {}) {
    super(scope, id);
    this.peopleMode = props.people ?? 'lookup';
    this.passwords = Object.fromEntries(Object.entries(props.passwords ?? {}).map(([email, password]) => [email.toLowerCase(), password]));
    compileOnSynth(this);
  }

  /** The person with this email (compared ignoring case): calling it again returns the same person. */
  person(email: string, options: PersonOptions = {}): Person {
    this.assertOpen();
    const key = email.trim().toLowerCase();
    let found = this.people.get(key);
    if (!found) this.people.set(key, (found = new Person(this, email.trim(), options.name)));
    else if (options.name !== undefined) {
      if (found.name !== undefined && found.name !== options.name) throw new Error(`AccessPolicy: person ${found.email} is named both "${found.name}" and "${options.name}".`);
      found.name = options.name;
    }
    return found;
  }

  /** A team: a Redash group, Grafana team, Sisense group or Periscope role of this name, in the vendors where it holds a grant. */
  team(name: string, options: TeamOptions = {}): Team {
    this.assertOpen();
    if (this.teams.has(name)) throw new Error(`AccessPolicy: team "${name}" is declared twice; declare it once and add every member there.`);
    const team = new Team(this, name, [...new Set(options.members ?? [])]);
    this.teams.set(name, team);
    return team;
  }

  /** The access matrix, once the stack is synthesized. */
  get accessMatrix(): readonly MatrixEntry[] {
    return this.matrix;
  }

  /** @internal */
  assertOpen(): void {
    if (this.compiled) throw new Error('AccessPolicy: the policy was already compiled (at synth); declare people, teams and grants before synthesizing.');
  }

  /**
   * Declares the resources. Runs once, when the stack is synthesized, before anything is written:
   * an invalid grant throws, naming every problem.
   * @internal
   */
  compile(): void {
    if (this.compiled) return;
    const stack = TerraformStack.of(this);
    if (!stack.node.findAll().some((node) => node instanceof BiAccessProvider)) {
      throw new Error(`AccessPolicy ${this.node.path}: the stack has no BiAccessProvider; add one (new BiAccessProvider(stack, 'biaccess')) and the policy uses it.`);
    }
    // A token id is known by the reference it resolves to (e.g. `${biaccess_redash_data_source.x.id}`):
    // stable across synths, so it can key merges and construct ids.
    const resolver = new DefaultTokenResolver(new StringConcat());
    const resolve = (value: string) => {
      const resolved = Tokenization.resolve(value, { scope: stack, resolver, preparing: false });
      return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    };
    const declarations = [...this.teams.values(), ...this.people.values()].flatMap((holder) => holder.declarations);
    this.check(declarations, resolve);

    // Merge: one grant per holder and object, the strongest level. A Sisense dashboard with its
    // data model also gives `use` (query) on the model.
    const merged = new Map<string, Resolved>();
    const add = (holder: Person | Team, object: AccessObject, level: PolicyLevel) => {
      const objectId = resolve(object.id);
      const key = JSON.stringify([holder.label, object.vendor, object.kind, objectId]);
      const existing = merged.get(key);
      if (existing) {
        existing.level = strongest(existing.level, level);
        if (object.dataModel && !existing.object.dataModel) existing.object = object;
      } else merged.set(key, { holder, object, objectId, level });
    };
    for (const { holder, object, level } of declarations) {
      add(holder, object, level);
      if (object.vendor === 'sisense' && object.kind === 'dashboard') {
        if (object.dataModel) add(holder, new AccessObject('sisense', 'data_model', object.dataModel), 'query');
        else {
          Annotations.of(this).addWarning(
            `AccessPolicy: Sisense dashboard ${resolve(object.id)} is shared with ${holder.label}, but its data is not: sharing a dashboard does not share its data model. ` +
              'Pass { dataModel: <model oid> } to access.sisense.dashboard(…) to share the model too.',
          );
        }
      }
    }
    const grants = [...merged.values()].sort((a, b) => compareKeys(grantKey(a), grantKey(b)));
    for (const team of this.teams.values()) {
      if (team.declarations.length > 0 && team.members.length === 0) Annotations.of(this).addWarning(`AccessPolicy: team "${team.name}" holds grants but has no members.`);
    }

    const builder = new ResourceBuilder(this, this.peopleMode, this.passwords);
    builder.checkPeople(grants);
    const entries: MatrixEntry[] = [];
    for (const grant of grants) {
      const resources = builder.grant(grant);
      entries.push({ principal: grant.holder.label, vendor: grant.object.vendor, object: { kind: grant.object.kind, id: grant.objectId }, level: grant.level, resources: resources.map(addressOf).sort() });
    }
    this.matrix = entries;
    this.compiled = true;
  }

  /** Every grant the mapping refuses, in one error naming vendor, object, level and the allowed levels. */
  private check(declarations: Declaration[], resolve: (value: string) => string): void {
    const problems: string[] = [];
    for (const { holder, object, level } of declarations) {
      const mapping = mappingOf(object.vendor, object.kind);
      const what = `${mapping.label} ${resolve(object.id)} (${object.vendor} ${object.kind})`;
      const allowed = allowedLevels(mapping);
      if (!(allowed as string[]).includes(level)) {
        const why = mapping.refusals?.[level];
        problems.push(`${what}: level "${level}" for ${holder.label} is not offered${why ? ` (${why})` : ''}. Allowed levels: ${allowed.map((name) => `"${name}"`).join(', ')}.`);
      } else if (mapping.teamsOnly && holder instanceof Person) {
        problems.push(`${what}: level "${level}" for ${holder.label}: ${mapping.teamsOnly}. Grant it to a team the person is a member of.`);
      }
    }
    if (problems.length > 0) throw new Error(`AccessPolicy ${this.node.path}: ${problems.length === 1 ? 'a grant is' : `${problems.length} grants are`} not possible:\n  - ${problems.join('\n  - ')}`);
  }

  /** @internal */
  writeMatrix(directory: string): void {
    writeFileSync(join(directory, 'access-matrix.json'), `${JSON.stringify(this.matrix, null, 2)}\n`);
    writeFileSync(join(directory, 'access-matrix.md'), matrixMarkdown(this.matrix));
  }
}

/** Declares the per-vendor resources of merged grants, each resource once. */
class ResourceBuilder {
  private readonly scopes = new Map<PolicyVendor, Construct>();
  private readonly made = new Map<string, TerraformElement>();

  constructor(
    private readonly policy: AccessPolicy,
    private readonly peopleMode: 'create' | 'lookup',
    private readonly passwords: Readonly<Record<string, string>>,
  ) {}

  /** What people need before anything is declared: names to create users, Grafana passwords. */
  checkPeople(grants: Resolved[]): void {
    if (this.peopleMode !== 'create') return;
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const grant of grants) {
      for (const person of peopleOf(grant)) {
        const key = `${grant.object.vendor} ${person.email}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (person.name === undefined || person.name.trim() === '') problems.push(`person ${person.email} needs a name to be created (people: 'create'): access.person('${person.email}', { name: '…' }).`);
        else if (grant.object.vendor === 'periscope' && splitName(person.name).last === '') problems.push(`person ${person.email}: Periscope needs a first and a last name to create a user, got "${person.name}".`);
        if (grant.object.vendor === 'grafana' && this.passwords[person.email.toLowerCase()] === undefined) {
          problems.push(`person ${person.email}: Grafana needs a password to create a user; add it to the policy's passwords: { '${person.email}': … }.`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`AccessPolicy ${this.policy.node.path}: cannot create the users:\n  - ${[...new Set(problems)].join('\n  - ')}`);
  }

  /** The resources that implement one merged grant. */
  grant(grant: Resolved): TerraformResource[] {
    const { holder, object, objectId, level } = grant;
    const scope = this.scope(object.vendor);
    const objectLabel = `${object.kind} ${idLabel(objectId)}`;
    const id = (who: string) => `${objectLabel} ${who}`;
    switch (`${object.vendor}/${object.kind}`) {
      case 'redash/data_source': {
        const team = holder as Team;
        return [this.once(object.vendor, id(team.label), () => new redash.DataSourceAccess(scope, id(team.label), { groupId: this.group(team, 'redash'), dataSourceId: object.id, viewOnly: level === 'view' }))];
      }
      case 'redash/dashboard':
        // Redash shares dashboards with users: a team's grant is one share per member.
        return peopleOf(grant).map((person) => this.once(object.vendor, id(person.label), () => new redash.DashboardShare(scope, id(person.label), { dashboardId: object.id, userId: this.user(person, 'redash') })));
      case 'grafana/dashboard':
      case 'grafana/folder':
      case 'grafana/data_source': {
        // The mapping check let through only the levels each kind offers (data sources: no View; the others: no Query).
        const permission = ({ view: 'View', query: 'Query', edit: 'Edit', admin: 'Admin' } as const)[level];
        const assignee = holder instanceof Team ? { teamId: this.group(holder, 'grafana') } : { userId: this.user(holder, 'grafana') };
        return [
          this.once(object.vendor, id(holder.label), () =>
            object.kind === 'dashboard'
              ? new grafana.DashboardPermission(scope, id(holder.label), { dashboardUid: object.id, permission: permission as 'View' | 'Edit' | 'Admin', ...assignee })
              : object.kind === 'folder'
                ? new grafana.FolderPermission(scope, id(holder.label), { folderUid: object.id, permission: permission as 'View' | 'Edit' | 'Admin', ...assignee })
                : new grafana.DataSourcePermission(scope, id(holder.label), { dataSourceUid: object.id, permission: permission as 'Query' | 'Edit' | 'Admin', ...assignee }),
          ),
        ];
      }
      case 'sisense/dashboard': {
        const rule = ({ view: 'view', edit: 'edit', admin: 'co-owner' } as const)[level as 'view' | 'edit' | 'admin'];
        const assignee = holder instanceof Team ? { groupId: this.group(holder, 'sisense') } : { userId: this.user(holder, 'sisense') };
        return [this.once(object.vendor, id(holder.label), () => new sisense.DashboardShare(scope, id(holder.label), { dashboardId: object.id, rule, ...assignee }))];
      }
      case 'sisense/data_model': {
        const permission = ({ view: 'read', query: 'use', edit: 'edit' } as const)[level as 'view' | 'query' | 'edit'];
        const assignee = holder instanceof Team ? { groupId: this.group(holder, 'sisense') } : { userId: this.user(holder, 'sisense') };
        return [this.once(object.vendor, id(holder.label), () => new sisense.DataModelShare(scope, id(holder.label), { dataModelId: object.id, permission, ...assignee }))];
      }
      case 'periscope/dashboard': {
        const team = holder as Team;
        const permissions = PERISCOPE_PERMISSIONS[level as 'view' | 'edit'];
        return [this.once(object.vendor, id(team.label), () => new periscope.DashboardPermission(scope, id(team.label), { roleId: this.group(team, 'periscope'), dashboardId: object.id, permissions }))];
      }
    }
    throw new Error(`AccessPolicy: no ${object.vendor} ${object.kind} in the mapping`);
  }

  /** The team's group (Redash, Sisense), team (Grafana) or role (Periscope), with its members; its id. */
  private group(team: Team, vendor: PolicyVendor): string {
    const scope = this.scope(vendor);
    const made = this.once(vendor, `team ${team.name}`, () => {
      const group =
        vendor === 'redash'
          ? new redash.Group(scope, `team ${team.name}`, { name: team.name })
          : vendor === 'grafana'
            ? new grafana.Team(scope, `team ${team.name}`, { name: team.name })
            : vendor === 'sisense'
              ? new sisense.Group(scope, `team ${team.name}`, { name: team.name })
              : new periscope.Role(scope, `team ${team.name}`, { name: team.name });
      for (const member of [...team.members].sort((a, b) => compareKeys(a.email, b.email))) {
        const memberId = `member ${team.name} ${member.email.toLowerCase()}`;
        const userId = this.user(member, vendor);
        const groupId = group.getStringAttribute('id');
        if (vendor === 'redash') new redash.GroupMember(scope, memberId, { groupId, userId });
        else if (vendor === 'grafana') new grafana.TeamMember(scope, memberId, { teamId: groupId, userId });
        else if (vendor === 'sisense') new sisense.GroupMember(scope, memberId, { groupId, userId });
        else new periscope.RoleMember(scope, memberId, { roleId: groupId, userId });
      }
      return group;
    });
    return (made as TerraformResource).getStringAttribute('id');
  }

  /** The person's user in the vendor, created or looked up by email; its id. */
  private user(person: Person, vendor: PolicyVendor): string {
    const scope = this.scope(vendor);
    const key = person.email.toLowerCase();
    if (this.peopleMode === 'lookup') {
      const found = this.once(vendor, `person ${key}`, () => {
        if (vendor === 'redash') return new redash.DataUser(scope, `person ${key}`, { email: person.email });
        if (vendor === 'grafana') return new grafana.DataUser(scope, `person ${key}`, { email: person.email });
        if (vendor === 'sisense') return new sisense.DataUser(scope, `person ${key}`, { email: person.email });
        return new periscope.DataUser(scope, `person ${key}`, { email: person.email });
      });
      return (found as redash.DataUser).getStringAttribute('id');
    }
    const name = person.name!;
    const { first, last } = splitName(name);
    const made = this.once(vendor, `person ${key}`, () => {
      if (vendor === 'redash') return new redash.User(scope, `person ${key}`, { email: person.email, name });
      // Write-only: the initial password never reaches the plan or the state (Terraform >= 1.11).
      if (vendor === 'grafana') return new grafana.User(scope, `person ${key}`, { email: person.email, name, passwordWo: this.passwords[key], passwordWoVersion: '1' });
      if (vendor === 'sisense') return new sisense.User(scope, `person ${key}`, { email: person.email, firstName: first, lastName: last || undefined });
      return new periscope.User(scope, `person ${key}`, { email: person.email, firstName: first, lastName: last });
    });
    return (made as TerraformResource).getStringAttribute('id');
  }

  private scope(vendor: PolicyVendor): Construct {
    let scope = this.scopes.get(vendor);
    if (!scope) this.scopes.set(vendor, (scope = new Construct(this.policy, vendor)));
    return scope;
  }

  /** The element made under this id in the vendor's scope, made once. */
  private once<T extends TerraformElement>(vendor: PolicyVendor, id: string, make: () => T): T {
    const key = `${vendor}\u0000${id}`;
    let made = this.made.get(key) as T | undefined;
    if (!made) this.made.set(key, (made = make()));
    return made;
  }
}

/**
 * An object id as part of a construct id: a token's reference by the construct and attribute it
 * names (`${data.biaccess_grafana_folder.on-call.uid}` → `on-call.uid`), and no "/", the path separator.
 */
function idLabel(objectId: string): string {
  const reference = /^\$\{(?:data\.)?[A-Za-z0-9_]+\.([^.}]+)\.([^}]+)\}$/.exec(objectId);
  return (reference ? `${reference[1]}.${reference[2]}` : objectId).replace(/\//g, '|');
}

/** The people a grant reaches: the person, or the team's members. */
function peopleOf(grant: Resolved): Person[] {
  return grant.holder instanceof Team ? grant.holder.members : [grant.holder];
}

function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  return { first: parts[0] ?? '', last: parts.slice(1).join(' ') };
}

function grantKey(grant: Resolved): string[] {
  return [grant.holder.label, grant.object.vendor, grant.object.kind, grant.objectId, grant.level];
}

function compareKeys(a: string | string[], b: string | string[]): number {
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * Compiles the policy when its stack is synthesized, before anything of the stack is written, and
 * writes the access matrix next to cdk.tf.json after. Wraps the stack's synthesizer (a public,
 * replaceable property that App.synth calls per stack), as BiAccessProvider does to install itself.
 */
function compileOnSynth(policy: AccessPolicy): void {
  const stack = TerraformStack.of(policy);
  const synthesizeStack = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      policy.compile();
      synthesizeStack.synthesize(session);
      policy.writeMatrix(join(session.outdir, session.manifest.forStack(stack).workingDirectory));
    },
  };
}
