// Resource factories for the two shapes every vendor repeats: a user's membership of a group, and
// a level granted on an object to a principal. A vendor's resource file declares the schema, the
// import ID, how its attributes map to a membership or grant (level vocabulary included) and the
// adapter to call; the factory does the rest the same way for every vendor: writes through the
// adapter, reads back the principal's own entry, gone when the adapter says so, errors aimed at
// the attribute at fault, and partial state when a multi-step write stops part-way.
import {
  AttributeError,
  type ResourceContext,
  type ResourceDefinition,
} from '../framework/definitions';
import {
  AccessSubjectError,
  PartialWriteError,
  type AccessAdapter,
  type AccessSubject,
  type Grant,
  type Membership,
} from './model';

type AnyModel = Record<string, any>;

/** The `id` of a resource and how it is imported (a CompositeId fits). */
export interface ResourceId {
  format: string;
  /** The attributes an import ID stands for; throws ImportIdError when malformed. */
  split(id: string): Record<string, string>;
  /** The id of an object from its attributes. */
  make(model: object): string;
}

/** What a factory-made resource declares like any resource. */
type Declared<Model, Client> = Pick<ResourceDefinition<Model, Client>, 'typeName' | 'description' | 'attributes' | 'rules' | 'schemaVersion' | 'upgradeState' | 'plan'>;

interface CommonSpec<Model extends AnyModel, Client> extends Declared<Model, Client> {
  id: ResourceId;
  adapter(client: Client): AccessAdapter;
  /** The attribute an adapter's complaint about one part concerns (e.g. `object` → `dashboard_uid`). */
  attributeFor(subject: AccessSubject, model: Model): string;
  /**
   * Where the vendor keeps the object besides its ids, when the provider's configuration picks it
   * (Grafana: the org the provider acts in). Recorded in private state when the object is created
   * or imported and compared on every read, so that a provider pointed at another place fails
   * saying so instead of finding nothing there and planning to create everything again.
   */
  home?: {
    current(client: Client): Promise<string>;
    /** The error when the object's home differs from the provider's. */
    mismatch(stored: string, current: string, model: Model): string;
  };
}

const HOME = 'home';

export interface GrantResourceSpec<Model extends AnyModel, Client> extends CommonSpec<Model, Client> {
  /** The grant a model declares. */
  grant(model: Model): Grant;
  /** The model of a grant read back; `current` supplies what the vendor does not return (e.g. spellings). */
  model(grant: Grant, current: Model): Model;
}

export interface MembershipResourceSpec<Model extends AnyModel, Client> extends CommonSpec<Model, Client> {
  membership(model: Model): Membership;
  model(membership: Membership, current: Model): Model;
}

/**
 * What a factory-made resource declares in the access model, read from its attributes: tools that
 * compare declarations with what exists (drift, audit, adoption) ask it instead of knowing each type.
 */
export type DeclaredAccess =
  | { shape: 'grant'; format: string; declares(values: Record<string, unknown>): Grant; split(id: string): Record<string, string> }
  | { shape: 'membership'; format: string; declares(values: Record<string, unknown>): Membership; split(id: string): Record<string, string> };

const declaredAccess = new WeakMap<ResourceDefinition<any, any>, DeclaredAccess>();

/** The grant or membership a resource type declares; undefined for other types (users, groups, data sources). */
export function declaredAccessOf(definition: ResourceDefinition<any, any>): DeclaredAccess | undefined {
  return declaredAccess.get(definition);
}

export function grantResource<Model extends AnyModel, Client>(spec: GrantResourceSpec<Model, Client>): ResourceDefinition<Model, Client> {
  const definition = grantDefinition(spec);
  declaredAccess.set(definition, { shape: 'grant', format: spec.id.format, declares: (values) => spec.grant(values as Model), split: (id) => spec.id.split(id) });
  return definition;
}

export function membershipResource<Model extends AnyModel, Client>(spec: MembershipResourceSpec<Model, Client>): ResourceDefinition<Model, Client> {
  const definition = membershipDefinition(spec);
  declaredAccess.set(definition, { shape: 'membership', format: spec.id.format, declares: (values) => spec.membership(values as Model), split: (id) => spec.id.split(id) });
  return definition;
}

function grantDefinition<Model extends AnyModel, Client>(spec: GrantResourceSpec<Model, Client>): ResourceDefinition<Model, Client> {
  return accessResource(spec, {
    find: (adapter, model) => {
      const { object, principal } = spec.grant(model);
      return adapter.findGrant(object, principal);
    },
    set: (adapter, model) => adapter.setGrant(spec.grant(model)),
    remove: (adapter, model) => {
      const { object, principal } = spec.grant(model);
      return adapter.removeGrant(object, principal);
    },
    model: (grant, current) => spec.model(grant, current),
  });
}

function membershipDefinition<Model extends AnyModel, Client>(spec: MembershipResourceSpec<Model, Client>): ResourceDefinition<Model, Client> {
  return accessResource(spec, {
    find: (adapter, model) => {
      const { group, member } = spec.membership(model);
      return adapter.findMembership(group, member);
    },
    set: (adapter, model) => adapter.setMembership(spec.membership(model)),
    remove: (adapter, model) => {
      const { group, member } = spec.membership(model);
      return adapter.removeMembership(group, member);
    },
    model: (membership, current) => spec.model(membership, current),
  });
}

interface Operations<Model, Entry> {
  find(adapter: AccessAdapter, model: Model): Promise<Entry | undefined>;
  set(adapter: AccessAdapter, model: Model): Promise<void>;
  remove(adapter: AccessAdapter, model: Model): Promise<void>;
  model(entry: Entry, current: Model): Model;
}

function accessResource<Model extends AnyModel, Client, Entry extends Grant | Membership>(
  spec: CommonSpec<Model, Client>,
  operations: Operations<Model, Entry>,
): ResourceDefinition<Model, Client> {
  const withId = (model: Model): Model => ({ ...model, id: spec.id.make(model) });

  /** Runs a write, aiming the adapter's complaints at attributes and recording what a partial write left. */
  async function write(context: ResourceContext<Client, Model>, model: Model, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (error instanceof PartialWriteError) {
        context.recordPartial(withId(operations.model(error.actual as Entry, model)));
        throw error;
      }
      throw aimed(error, model);
    }
  }

  function aimed(error: unknown, model: Model): unknown {
    return error instanceof AccessSubjectError ? new AttributeError(spec.attributeFor(error.subject, model), error.message) : error;
  }

  async function recordHome(context: ResourceContext<Client, Model>): Promise<void> {
    if (spec.home) context.private.set(HOME, await spec.home.current(context.client));
  }

  async function checkHome(context: ResourceContext<Client, Model>, model: Model): Promise<void> {
    const stored = context.private.get<string>(HOME);
    if (!spec.home || stored === undefined) return;
    const current = await spec.home.current(context.client);
    if (stored !== current) throw new Error(spec.home.mismatch(stored, current, model));
  }

  return {
    typeName: spec.typeName,
    description: spec.description,
    attributes: spec.attributes,
    rules: spec.rules,
    schemaVersion: spec.schemaVersion,
    upgradeState: spec.upgradeState,
    plan: spec.plan,
    import: {
      format: spec.id.format,
      parse: async (id, context) => {
        const values = spec.id.split(id);
        await recordHome(context);
        return { ...values, id: spec.id.make(values) } as unknown as Partial<Model>;
      },
    },

    async create(context, planned) {
      // An entry that exists already (made by hand, or by the vendor's defaults) is taken over and
      // set to what is declared: an assignee has one entry per object or group.
      await recordHome(context);
      await write(context, planned, () => operations.set(spec.adapter(context.client), planned));
      return withId(planned);
    },

    async read(context, current) {
      await checkHome(context, current);
      const found = await operations.find(spec.adapter(context.client), current);
      return found === undefined ? null : withId(operations.model(found, current));
    },

    async update(context, prior, planned) {
      await checkHome(context, prior);
      await write(context, planned, () => operations.set(spec.adapter(context.client), planned));
      return { ...planned, id: prior.id };
    },

    async delete(context, current) {
      await checkHome(context, current);
      try {
        await operations.remove(spec.adapter(context.client), current);
      } catch (error) {
        throw aimed(error, current);
      }
    },
  };
}

