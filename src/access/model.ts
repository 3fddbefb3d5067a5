// The access model every vendor shares, and the adapter each vendor implements on its client.
//
// Principals are the people and the sets of people access is given to: users; groups (a Redash
// group, a Grafana team, a Sisense group, a Periscope role); roles (sets defined by the vendor,
// such as Grafana's basic org roles). Memberships put users in groups. Objects are what access
// is given on (dashboards, folders, data sources, data models), and a grant gives a principal a
// level of access to an object. Ids are strings everywhere, whatever the vendor uses.
//
// An adapter works without Terraform: resources call it through the factories in ./resources,
// and cross-vendor tools (drift report, audit, adoption) call it directly.

export type PrincipalKind = 'user' | 'group' | 'role';

export interface PrincipalRef {
  kind: PrincipalKind;
  id: string;
}

export interface Principal extends PrincipalRef {
  name: string;
  email?: string;
  /** Made by the vendor (Redash's `default` group, Grafana's basic roles): not created nor deleted through access as code. */
  builtIn?: boolean;
  /** Holds every user by the vendor's own rule (Redash's `default`, Periscope's `Everyone`): its memberships are nobody's choice. */
  everyone?: boolean;
  disabled?: boolean;
}

export interface Membership {
  /** A group (or role) … */
  group: PrincipalRef;
  /** … and one of its members (a user). */
  member: PrincipalRef;
  /** Administers the group (Grafana team admins); false or absent for plain members. */
  admin?: boolean;
  /** Made by the vendor itself, not by a person (Grafana makes a team's creator its admin): listings set it. */
  vendorMade?: boolean;
}

export type ObjectKind = 'dashboard' | 'folder' | 'data_source' | 'data_model';

export interface ObjectRef {
  kind: ObjectKind;
  id: string;
}

export interface AccessObject extends ObjectRef {
  name: string;
  /** The folder it sits in, when grants there reach it. */
  parent?: ObjectRef;
}

/**
 * Levels, weakest first: `view` (see it, or a data source's existing results), `query` (run and
 * write queries against a data source), `edit`, `admin` (also manage its permissions).
 */
export type AccessLevel = 'view' | 'query' | 'edit' | 'admin';

export interface Grant {
  object: ObjectRef;
  principal: PrincipalRef;
  level: AccessLevel;
  /** Set when the grant is not on the object itself but reaches it from this folder. */
  inheritedFrom?: ObjectRef;
  /**
   * How the vendor states the grant where the level alone would lose something: found grants carry
   * it; a grant set with it is written exactly so, and without it as the vendor's usual form of the level.
   */
  detail?: GrantDetail;
  /** Made by the vendor itself, not by a person (Redash links `default` to a new data source with full access): listings set it. */
  vendorMade?: boolean;
}

/** The vendor's own terms of a grant, beyond its level. */
export interface GrantDetail {
  /** The permission names, where a vendor's access is a set of them (Periscope); `level` summarises the set. */
  permissions?: readonly string[];
  /** Whether the principal also receives the object's e-mail reports (Sisense dashboards). */
  subscribe?: boolean;
}

/** What a vendor supports: for each object kind, its levels (weakest first) and who may be given them. */
export type AccessCapabilities = Partial<Record<ObjectKind, { levels: readonly AccessLevel[]; principals: readonly PrincipalKind[] }>>;

export interface AccessAdapter {
  readonly vendor: string;
  readonly capabilities: AccessCapabilities;
  /** What the vendor calls a group (`team`, `group`, `role`), so that reports speak its language. */
  readonly groupTerm: string;

  listPrincipals(kind: PrincipalKind): Promise<Principal[]>;
  /** By id, by email (users) or by name (groups and roles); undefined when there is none. */
  findPrincipal(kind: PrincipalKind, key: { id: string } | { email: string } | { name: string }): Promise<Principal | undefined>;

  /**
   * The members of a group, or the holders of a role (Grafana: the org users whose basic role is it
   * or includes it); undefined when the group is gone.
   */
  listMembers(group: PrincipalRef): Promise<Membership[] | undefined>;
  /** One membership; undefined when it, its group or its member is gone. Cheap in bulk (shared reads). */
  findMembership(group: PrincipalRef, member: PrincipalRef): Promise<Membership | undefined>;
  /** Adds the member, or sets its admin flag when already there; never a duplicate entry. */
  setMembership(membership: Membership): Promise<void>;
  /** Removes the member; a group or member already gone counts as removed. */
  removeMembership(group: PrincipalRef, member: PrincipalRef): Promise<void>;

  listObjects(kind: ObjectKind): Promise<AccessObject[]>;
  /** The grants on an object, inherited ones included (marked); undefined when the object is gone. */
  listGrants(object: ObjectRef): Promise<Grant[] | undefined>;
  /** The principal's own grant on the object (not an inherited one); undefined when it, the object or the principal is gone. */
  findGrant(object: ObjectRef, principal: PrincipalRef): Promise<Grant | undefined>;
  /** Gives the principal exactly this level on the object; other principals' grants stay as they are. */
  setGrant(grant: Grant): Promise<void>;
  /** Takes the principal's own grant away; an object or principal already gone counts as done. */
  removeGrant(object: ObjectRef, principal: PrincipalRef): Promise<void>;
}

/**
 * One adapter per client: an adapter holds its client's locks and pending batches, so every caller
 * of one client must get the same one.
 */
export function adapterPerClient<Client extends object, Adapter extends AccessAdapter>(create: (client: Client) => Adapter): (client: Client) => Adapter {
  const adapters = new WeakMap<Client, Adapter>();
  return (client) => {
    let adapter = adapters.get(client);
    if (!adapter) adapters.set(client, (adapter = create(client)));
    return adapter;
  };
}

/** Which part of a membership or grant an adapter found wrong: the resources map it to an attribute. */
export type AccessSubject = 'object' | 'principal' | 'group' | 'member' | 'level';

/** A write refused because of one part of it (an unknown object, a principal the object's org lacks, a level not offered). */
export class AccessSubjectError extends Error {
  constructor(
    readonly subject: AccessSubject,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A write that took several steps and stopped part-way: `actual` is what exists now (e.g. a
 * Redash link made with full access whose view-only step failed), so callers record the truth.
 */
export class PartialWriteError<T extends Grant | Membership> extends Error {
  constructor(
    message: string,
    readonly actual: T,
  ) {
    super(message);
  }
}
