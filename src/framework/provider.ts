// Turns vendor definitions into a PluginProvider: schema, validation, planning, and the calls
// to plan/create/read/update/delete/import handlers with their context (warnings, partial and
// private state, cancellation). Nothing here knows any particular vendor.
import type {
  ApplyRequest,
  ApplyResponse,
  AttributePath,
  Diagnostic,
  PlanRequest,
  PlanResponse,
  PluginProvider,
  ProviderSchema,
  ReadResponse,
  Schema,
  SchemaAttribute,
} from '../protocol/provider';
import { valueFromJson, impliedType } from '../protocol/codec';
import { ctyEqual, isUnknown, UNKNOWN, type CtyType, type CtyValue } from '../protocol/values';
import {
  AttributeError,
  ImportIdError,
  VendorConfigError,
  type Attributes,
  type ConfigRule,
  type DataSourceDefinition,
  type PlanContext,
  type ProviderRuntime,
  type ResourceContext,
  type ResourceDefinition,
  type VendorDefinition,
} from './definitions';
import { stderrLogger, type Logger } from './log';
import { resolvedSettings } from './config';

export interface ProviderOptions {
  /** Terraform's name for the provider: the prefix of every type name. */
  typeName: string;
  version: string;
  vendors: VendorDefinition[];
  log?: Logger;
}

type Model = Record<string, CtyValue>;

interface Registered<D> {
  definition: D;
  vendor: VendorDefinition;
}

/** Connection state of one vendor after ConfigureProvider. */
type Connection = { client: unknown } | { error: VendorConfigError };

export function buildProvider(options: ProviderOptions): PluginProvider {
  return new FrameworkProvider(options);
}

class FrameworkProvider implements PluginProvider {
  private readonly log: Logger;
  private readonly resources = new Map<string, Registered<ResourceDefinition>>();
  private readonly dataSources = new Map<string, Registered<DataSourceDefinition>>();
  private readonly connections = new Map<string, Connection>();
  private configured = false;
  /** Aborted by StopProvider; a new one per ConfigureProvider (a provider served in-process is configured again). */
  private stopping = new AbortController();
  private cachedSchema?: ProviderSchema;
  /** Built once per type: the codec caches per type object, and state upgrade runs once per resource. */
  private readonly resourceTypes = new Map<string, CtyType>();

  constructor(private readonly options: ProviderOptions) {
    this.log = options.log ?? stderrLogger(options.typeName);
    for (const vendor of options.vendors) {
      for (const definition of vendor.resources) {
        checkResourceDefinition(options.typeName, vendor, definition);
        this.resources.set(definition.typeName, { definition, vendor });
      }
      for (const definition of vendor.dataSources) {
        this.dataSources.set(definition.typeName, { definition, vendor });
      }
    }
  }

  schema(): ProviderSchema {
    return (this.cachedSchema ??= {
      provider: {
        version: 0,
        block: {
          description: `Each vendor has an optional block; attributes left unset fall back to environment variables.`,
          attributes: [],
          blockTypes: this.options.vendors.map((vendor) => ({
            typeName: vendor.name,
            nesting: 'single' as const,
            block: { description: vendor.description, attributes: schemaAttributes(vendor.config), blockTypes: [] },
          })),
        },
      },
      resources: Object.fromEntries(
        [...this.resources.values()].map(({ definition }) => [
          definition.typeName,
          {
            version: definition.schemaVersion ?? 0,
            block: {
              description: `${definition.description}\n\nImport ID: \`${definition.import.format}\``,
              attributes: schemaAttributes(definition.attributes),
              blockTypes: [],
            },
          } satisfies Schema,
        ]),
      ),
      dataSources: Object.fromEntries(
        [...this.dataSources.values()].map(({ definition }) => [
          definition.typeName,
          {
            version: 0,
            block: { description: definition.description, attributes: schemaAttributes(definition.attributes), blockTypes: [] },
          } satisfies Schema,
        ]),
      ),
    });
  }

  async validateProviderConfig(config: CtyValue): Promise<Diagnostic[]> {
    const diagnostics: Diagnostic[] = [];
    for (const vendor of this.options.vendors) {
      const block = asModel(config)[vendor.name];
      if (block == null || isUnknown(block)) continue;
      diagnostics.push(...validateAttributes(vendor.config, asModel(block), [{ attribute: vendor.name }]));
    }
    return diagnostics;
  }

  async configure(config: CtyValue, terraformVersion: string): Promise<Diagnostic[]> {
    this.stopping = new AbortController();
    const runtime: ProviderRuntime = {
      log: this.log,
      signal: this.stopping.signal,
      userAgent: `terraform-provider-${this.options.typeName}/${this.options.version} terraform/${terraformVersion || 'unknown'}`,
    };
    for (const vendor of this.options.vendors) {
      const block = asModel(config)[vendor.name];
      const settings = resolvedSettings(vendor.config, block == null || isUnknown(block) ? {} : asModel(block), process.env, vendor.alternativeSettings);
      try {
        this.connections.set(vendor.name, { client: vendor.connect(settings, runtime) });
      } catch (error) {
        if (!(error instanceof VendorConfigError)) throw error;
        // Reported when a resource of this vendor is used: unused vendors need no configuration.
        this.connections.set(vendor.name, { error });
      }
    }
    this.configured = true;
    return [];
  }

  async validateResourceConfig(typeName: string, config: CtyValue): Promise<Diagnostic[]> {
    const { definition } = this.resource(typeName);
    return validateConfig(definition.attributes, definition.rules, asModel(config));
  }

  async validateDataSourceConfig(typeName: string, config: CtyValue): Promise<Diagnostic[]> {
    const { definition } = this.dataSource(typeName);
    return validateConfig(definition.attributes, definition.rules, asModel(config));
  }

  async upgradeResourceState(typeName: string, version: number, rawState: Record<string, unknown>) {
    const { definition } = this.resource(typeName);
    const current = definition.schemaVersion ?? 0;
    if (version > current) {
      return {
        upgradedState: null,
        diagnostics: [error('State from a newer provider', `The state of this ${typeName} was written by a newer biaccess provider (schema version ${version}, this one knows ${current}). Upgrade the provider.`)],
      };
    }
    const upgraded = version < current && definition.upgradeState ? definition.upgradeState(version, rawState) : rawState;
    return { upgradedState: valueFromJson(upgraded, this.resourceType(typeName)), diagnostics: [] };
  }

  async readResource(typeName: string, currentState: CtyValue, priv: Buffer): Promise<ReadResponse> {
    const registered = this.resource(typeName);
    const { definition } = registered;
    if (currentState == null) return { newState: null, private: priv, diagnostics: [] };
    const call = this.call(registered, priv);
    if ('diagnostic' in call) return { newState: currentState, diagnostics: [call.diagnostic] };
    const current = asModel(currentState);
    try {
      const found = await definition.read(call.context, current);
      if (found === null) {
        call.context.warn(
          `${typeName} no longer exists`,
          `${describeObject(typeName, current)} was not found in ${registered.vendor.name}: it was deleted outside Terraform. It is removed from the state, and the next apply creates it again.`,
        );
        return { newState: null, private: priv, diagnostics: call.diagnostics };
      }
      return { newState: withoutWriteOnly(definition.attributes, completeModel(definition.attributes, found, current)), private: call.privateBytes(), diagnostics: call.diagnostics };
    } catch (failure) {
      return { newState: currentState, diagnostics: [...call.diagnostics, handlerFailure(`Reading ${typeName} failed`, failure)] };
    }
  }

  async planResourceChange(request: PlanRequest): Promise<PlanResponse> {
    const registered = this.resource(request.typeName);
    const { definition } = registered;
    const prior = request.priorState == null ? null : asModel(request.priorState);
    const config = request.config == null ? null : asModel(request.config);
    let planned: Model | null = null;
    let requiresReplace: AttributePath[] = [];
    let unchanged = false;
    if (request.proposedNewState != null) {
      ({ planned, requiresReplace, unchanged } = planChange(definition.attributes, prior, asModel(request.proposedNewState), config ?? {}));
    }
    if (planned === null && prior === null) return { plannedState: null, requiresReplace, plannedPrivate: request.priorPrivate, diagnostics: [] };
    const connection = this.connection(registered.vendor);
    if ('diagnostic' in connection) return { plannedState: request.proposedNewState, requiresReplace: [], diagnostics: [connection.diagnostic] };
    // Most plans change nothing: no handler context is built for them.
    if (!definition.plan || unchanged) return { plannedState: planned, requiresReplace, plannedPrivate: request.priorPrivate, diagnostics: [] };
    const call = new HandlerCall(connection.client, this.log, this.stopping.signal, definition.typeName, request.priorPrivate);
    const extraReplace: string[] = [];
    const context: PlanContext<unknown, Model> = { ...call.context, requireReplace: (attribute) => extraReplace.push(attribute) };
    try {
      await definition.plan(context, { prior, planned, config });
    } catch (failure) {
      return { plannedState: planned, requiresReplace, diagnostics: [...call.diagnostics, handlerFailure(`Planning ${request.typeName} failed`, failure)] };
    }
    for (const attribute of extraReplace) {
      if (!requiresReplace.some((path) => 'attribute' in path[0] && path[0].attribute === attribute)) requiresReplace.push([{ attribute }]);
    }
    if (extraReplace.length > 0 && planned) planned = unknownComputed(definition.attributes, planned, config ?? {});
    return { plannedState: planned, requiresReplace, plannedPrivate: call.privateBytes(), diagnostics: call.diagnostics };
  }

  async applyResourceChange(request: ApplyRequest): Promise<ApplyResponse> {
    const registered = this.resource(request.typeName);
    const { definition } = registered;
    const call = this.call(registered, request.plannedPrivate);
    if ('diagnostic' in call) return { newState: request.priorState, diagnostics: [call.diagnostic] };
    const { context } = call;
    const prior = request.priorState == null ? null : asModel(request.priorState);
    const stored = request.plannedState == null ? null : asModel(request.plannedState);
    // The handlers see write-only values, which only the configuration holds.
    const planned = stored === null ? null : withWriteOnly(definition.attributes, stored, request.config == null ? {} : asModel(request.config));
    try {
      if (planned === null) {
        if (prior !== null) await definition.delete(context, prior);
        return { newState: null, diagnostics: call.diagnostics };
      }
      if (prior === null) {
        const created = await definition.create(context, planned);
        return { newState: this.settle(definition, planned, created), private: call.privateBytes(), diagnostics: call.diagnostics };
      }
      if (!definition.update) throw new Error(`${request.typeName} has no update handler but an in-place update was planned`);
      const updated = await definition.update(context, prior, planned);
      return { newState: this.settle(definition, planned, updated), private: call.privateBytes(), diagnostics: call.diagnostics };
    } catch (failure) {
      const action = planned === null ? 'Deleting' : prior === null ? 'Creating' : 'Updating';
      const diagnostics = [...call.diagnostics, handlerFailure(`${action} ${request.typeName} failed`, failure)];
      const partial = call.partial();
      if (planned !== null && partial !== undefined) {
        // What exists is recorded: a failed create is stored tainted and replaced by the next apply.
        const newState = prior === null ? partialCreateState(definition.attributes, planned, partial) : withoutWriteOnly(definition.attributes, { ...prior, ...partial });
        if (prior === null) diagnostics[diagnostics.length - 1].detail += `\n\nThe object was partly created in ${registered.vendor.name}: Terraform keeps it in the state as tainted and replaces it on the next apply.`;
        return { newState, private: call.privateBytes(), diagnostics };
      }
      // Otherwise the prior state stands: for a create that is null, as nothing was made.
      return { newState: request.priorState, diagnostics };
    }
  }

  async importResourceState(typeName: string, id: string) {
    const registered = this.resource(typeName);
    const { definition } = registered;
    const call = this.call(registered, Buffer.alloc(0));
    if ('diagnostic' in call) return { imported: [], diagnostics: [call.diagnostic] };
    const invalid = (message: string) => ({
      imported: [],
      diagnostics: [error('Invalid import ID', `${message}\n\n${typeName} is imported by \`${definition.import.format}\`.`)],
    });
    try {
      const parsed = definition.import.parse ? await definition.import.parse(id, call.context) : parseImportId(definition.import.format, id);
      let state: CtyValue;
      try {
        // Typed: "42" becomes the number 42 for a number attribute, as Terraform expects.
        state = valueFromJson(completeModel(definition.attributes, parsed as Model, {}), this.resourceType(typeName));
      } catch (conversion) {
        return invalid(`The ID "${id}" does not fit ${typeName}: ${conversion instanceof Error ? conversion.message : String(conversion)}.`);
      }
      return { imported: [{ typeName, state, private: call.privateBytes() }], diagnostics: call.diagnostics };
    } catch (failure) {
      if (failure instanceof ImportIdError) return invalid(failure.message);
      return { imported: [], diagnostics: [...call.diagnostics, handlerFailure(`Importing ${typeName} failed`, failure)] };
    }
  }

  async readDataSource(typeName: string, config: CtyValue) {
    const registered = this.dataSource(typeName);
    const { definition } = registered;
    const call = this.call(registered, Buffer.alloc(0));
    if ('diagnostic' in call) return { state: null, diagnostics: [call.diagnostic] };
    try {
      const result = await definition.read(call.context, asModel(config));
      return { state: completeModel(definition.attributes, result, asModel(config)), diagnostics: call.diagnostics };
    } catch (failure) {
      return { state: null, diagnostics: [...call.diagnostics, handlerFailure(`Reading data source ${typeName} failed`, failure)] };
    }
  }

  async stop(): Promise<void> {
    // In-flight handler calls finish; the HTTP base stops retrying and waiting, so they end soon.
    this.log.debug('StopProvider received: no further retries');
    this.stopping.abort();
  }

  /**
   * The state to record after create/update: every value the plan knew stays exactly as planned
   * (Terraform rejects any other result); unknown planned values take what the handler returned.
   */
  private settle(definition: ResourceDefinition, planned: Model, result: Model): Model {
    const state: Model = {};
    for (const [name, spec] of Object.entries(definition.attributes)) {
      const plannedValue = planned[name];
      const returned = result[name];
      if (!isUnknown(plannedValue) && spec.computed && returned !== undefined && !ctyEqual(returned, plannedValue)) {
        this.log.warn('a handler returned a different value for a computed attribute the plan already knew; declare the attribute `recomputed` if updates change it', {
          type: definition.typeName,
          attribute: name,
        });
      }
      const value = spec.writeOnly ? null : isUnknown(plannedValue) ? (returned ?? null) : plannedValue;
      if (isUnknown(value)) throw new Error(`the handler left "${name}" unknown after apply`);
      state[name] = value;
    }
    return state;
  }

  private resourceType(typeName: string): CtyType {
    let type = this.resourceTypes.get(typeName);
    if (!type) this.resourceTypes.set(typeName, (type = impliedType(this.schema().resources[typeName].block)));
    return type;
  }

  private resource(typeName: string): Registered<ResourceDefinition> {
    const found = this.resources.get(typeName);
    if (!found) throw new Error(`unknown resource type "${typeName}"`);
    return found;
  }

  private dataSource(typeName: string): Registered<DataSourceDefinition> {
    const found = this.dataSources.get(typeName);
    if (!found) throw new Error(`unknown data source type "${typeName}"`);
    return found;
  }

  /** Everything one handler call needs: its context, and what it leaves behind (warnings, partial and private state). */
  private call(registered: Registered<ResourceDefinition | DataSourceDefinition>, priv: Buffer | undefined): HandlerCall | { diagnostic: Diagnostic } {
    const connection = this.connection(registered.vendor);
    if ('diagnostic' in connection) return connection;
    return new HandlerCall(connection.client, this.log, this.stopping.signal, registered.definition.typeName, priv);
  }

  /** The vendor's client, or the diagnostic saying which setting it lacks. */
  private connection(vendor: VendorDefinition): { client: unknown } | { diagnostic: Diagnostic } {
    if (!this.configured) throw new Error('the provider was used before ConfigureProvider');
    const connection = this.connections.get(vendor.name)!;
    if (!('error' in connection)) return connection;
    return {
      diagnostic: {
        severity: 'error',
        summary: `Missing ${vendor.name} configuration`,
        detail: `${connection.error.message}.\n\nResources and data sources named ${this.options.typeName}_${vendor.name}_* need the provider's "${vendor.name}" block (or its environment variables).`,
        attribute: [{ attribute: vendor.name }, { attribute: connection.error.attribute }],
      },
    };
  }
}

/** One handler invocation: the context it gets and what it records. */
class HandlerCall {
  readonly diagnostics: Diagnostic[] = [];
  readonly context: ResourceContext<unknown, Model>;
  private readonly privateValues: Record<string, unknown>;
  private privateChanged = false;
  private recorded: Model | undefined;

  constructor(
    client: unknown,
    log: Logger,
    signal: AbortSignal,
    typeName: string,
    private readonly priorPrivate: Buffer | undefined,
  ) {
    this.privateValues = decodePrivate(priorPrivate);
    this.context = {
      client,
      log,
      signal,
      typeName,
      warn: (summary, detail, attribute) => {
        this.diagnostics.push({ severity: 'warning', summary, detail, attribute: attribute ? [{ attribute }] : undefined });
      },
      importCommand: (id) => `terraform import ${typeName}.<name> ${quoteForShell(id)}`,
      private: {
        get: <T>(key: string) => this.privateValues[key] as T | undefined,
        set: (key, value) => {
          if (value === undefined) delete this.privateValues[key];
          else this.privateValues[key] = value;
          this.privateChanged = true;
        },
      },
      recordPartial: (values) => {
        this.recorded = { ...this.recorded, ...(values as Model) };
      },
    };
  }

  partial(): Model | undefined {
    return this.recorded;
  }

  privateBytes(): Buffer {
    if (!this.privateChanged) return this.priorPrivate ?? Buffer.alloc(0);
    return Object.keys(this.privateValues).length === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(this.privateValues));
  }
}

function decodePrivate(bytes: Buffer | undefined): Record<string, unknown> {
  if (!bytes || bytes.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : {};
  } catch {
    return {};
  }
}

/** Quotes an import ID for a shell when it holds anything but plain characters. */
function quoteForShell(id: string): string {
  return /^[A-Za-z0-9_@.\/:+-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

/** How a message names an object: its type, and its id when it has one. */
function describeObject(typeName: string, model: Model): string {
  const id = model.id;
  return typeof id === 'string' || typeof id === 'number' ? `${typeName} "${id}"` : typeName;
}

function checkResourceDefinition(providerType: string, vendor: VendorDefinition, definition: ResourceDefinition): void {
  const prefix = `${providerType}_${vendor.name}_`;
  if (!definition.typeName.startsWith(prefix)) {
    throw new Error(`resource type ${definition.typeName} must start with ${prefix}`);
  }
  if (!definition.update) {
    const inPlace = Object.entries(definition.attributes).filter(([, spec]) => isConfigurable(spec) && !spec.forceNew);
    if (inPlace.length > 0) {
      throw new Error(`${definition.typeName} has no update handler, so ${inPlace.map(([n]) => n).join(', ')} must be forceNew`);
    }
  }
}

function isConfigurable(spec: Attributes[string]): boolean {
  return !!(spec.required || spec.optional || spec.default !== undefined);
}

function schemaAttributes(attributes: Attributes): SchemaAttribute[] {
  return Object.entries(attributes).map(([name, spec]) => {
    const hasDefault = spec.default !== undefined;
    const notes = [
      spec.required ? 'Required.' : undefined,
      hasDefault ? `Default: \`${JSON.stringify(spec.default)}\`.` : undefined,
      spec.forceNew ? 'Changing it replaces the object.' : undefined,
      ...(spec.validators ?? []).map((v) => `Must be ${v.description}.`),
      spec.env ? `Environment variable: \`${spec.env}\`.` : undefined,
    ].filter(Boolean);
    return {
      name,
      type: spec.type,
      description: [spec.description, ...notes].join(' '),
      required: !!spec.required,
      optional: !spec.required && (!!spec.optional || hasDefault),
      computed: !!spec.computed || hasDefault,
      // See AttributeSpec.writeOnly: a write-only attribute is never marked sensitive.
      sensitive: !!spec.sensitive && !spec.writeOnly,
      writeOnly: !!spec.writeOnly,
    };
  });
}

function validateConfig(attributes: Attributes, rules: ConfigRule[] | undefined, config: Model): Diagnostic[] {
  const diagnostics = validateAttributes(attributes, config, []);
  for (const rule of rules ?? []) {
    for (const problem of rule(config)) {
      diagnostics.push({
        severity: 'error',
        summary: 'Invalid attribute combination',
        detail: problem.message,
        attribute: problem.attribute ? [{ attribute: problem.attribute }] : undefined,
      });
    }
  }
  return diagnostics;
}

function validateAttributes(attributes: Attributes, config: Model, parent: Diagnostic['attribute'] & object): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, spec] of Object.entries(attributes)) {
    const value = config[name];
    if (value == null || isUnknown(value)) continue;
    for (const validator of spec.validators ?? []) {
      const problem = validator.check(value);
      if (problem) {
        diagnostics.push({
          severity: 'error',
          summary: `Invalid value for "${name}"`,
          detail: `${problem}: "${name}" must be ${validator.description}.`,
          attribute: [...parent, { attribute: name }],
        });
      }
    }
  }
  return diagnostics;
}

/**
 * Terraform's rules: configured values are planned as given; defaults fill unset optional
 * attributes; computed values are unknown on create and kept from the prior state on update
 * (unless `recomputed`); a change to a force-new attribute asks for replacement.
 */
function planChange(attributes: Attributes, prior: Model | null, proposed: Model, config: Model) {
  const planned: Model = { ...proposed };
  const requiresReplace: AttributePath[] = [];
  for (const [name, spec] of Object.entries(attributes)) {
    const configured = config[name];
    // Terraform wants write-only values null in the plan; the handlers get them from the configuration.
    if (spec.writeOnly) {
      planned[name] = null;
      continue;
    }
    if (configured == null && spec.default !== undefined) {
      planned[name] = spec.default;
    } else if (configured == null && spec.computed) {
      planned[name] = prior === null ? UNKNOWN : (prior[name] ?? null);
    }
    if (prior !== null && spec.forceNew && !ctyEqual(prior[name], planned[name])) {
      requiresReplace.push([{ attribute: name }]);
    }
  }
  // A replacement creates a new object: its computed values are not the old ones.
  if (requiresReplace.length > 0) return { planned: unknownComputed(attributes, planned, config), requiresReplace, unchanged: false };
  const unchanged = prior !== null && sameModel(prior, planned);
  if (prior !== null && !unchanged) {
    for (const [name, spec] of Object.entries(attributes)) {
      if (spec.recomputed && config[name] == null) planned[name] = UNKNOWN;
    }
  }
  return { planned, requiresReplace, unchanged };
}

/** The plan for a new object in place of the old one: computed values the configuration does not set become unknown. */
function unknownComputed(attributes: Attributes, planned: Model, config: Model): Model {
  const result = { ...planned };
  for (const [name, spec] of Object.entries(attributes)) {
    if (spec.computed && config[name] == null && spec.default === undefined) result[name] = UNKNOWN;
  }
  return result;
}

function sameModel(a: Model, b: Model): boolean {
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!ctyEqual(a[name] ?? null, b[name] ?? null)) return false;
  }
  return true;
}

/**
 * The state of a create that failed part-way: what the handler recorded, else the planned values
 * it was creating; values never learnt are null (state may hold no unknowns).
 */
function partialCreateState(attributes: Attributes, planned: Model, recorded: Model): Model {
  const state: Model = {};
  for (const [name, spec] of Object.entries(attributes)) {
    const value = name in recorded && recorded[name] !== undefined ? recorded[name] : planned[name];
    state[name] = spec.writeOnly || value === undefined || isUnknown(value) ? null : value;
  }
  return state;
}

/** The model as it may be stored: write-only values null. */
function withoutWriteOnly(attributes: Attributes, model: Model): Model {
  const result = { ...model };
  for (const [name, spec] of Object.entries(attributes)) if (spec.writeOnly) result[name] = null;
  return result;
}

/** The planned model with the write-only values of the configuration (the plan holds them as null). */
function withWriteOnly(attributes: Attributes, planned: Model, config: Model): Model {
  const result = { ...planned };
  for (const [name, spec] of Object.entries(attributes)) if (spec.writeOnly) result[name] = config[name] ?? null;
  return result;
}

/** Exactly the schema's attributes; values the handler did not return are kept from `fallback`. */
function completeModel(attributes: Attributes, result: Model, fallback: Model): Model {
  const state: Model = {};
  for (const name of Object.keys(attributes)) {
    state[name] = name in result && result[name] !== undefined ? result[name] : (fallback[name] ?? null);
  }
  return state;
}

function parseImportId(format: string, id: string): Model {
  const names = format.split('/');
  const parts = id.split('/');
  if (parts.length !== names.length || parts.some((part) => part.trim() === '')) {
    throw new ImportIdError(`Expected an import ID of the form "${format}", got "${id}".`);
  }
  return Object.fromEntries(names.map((name, i) => [name, parts[i]]));
}

function handlerFailure(summary: string, failure: unknown): Diagnostic {
  if (failure instanceof AttributeError) {
    return { severity: 'error', summary, detail: [failure.message, failure.detail].filter(Boolean).join('\n\n'), attribute: [{ attribute: failure.attribute }] };
  }
  const detail = failure instanceof Error ? failure.message : String(failure);
  return { severity: 'error', summary, detail };
}

function error(summary: string, detail: string): Diagnostic {
  return { severity: 'error', summary, detail };
}

function asModel(value: CtyValue): Model {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isUnknown(value)) {
    throw new Error('expected an object value');
  }
  return value as Model;
}
