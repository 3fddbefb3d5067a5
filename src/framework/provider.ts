// Turns vendor definitions into a PluginProvider: schema, validation, planning, and the calls
// to create/read/update/delete/import handlers. Nothing here knows any particular vendor.
import type {
  ApplyRequest,
  ApplyResponse,
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
  type ResourceContext,
  type ResourceDefinition,
  type VendorDefinition,
} from './definitions';
import { VendorApiError } from './http';
import { stderrLogger, type Logger } from './log';

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
    const runtime = { providerVersion: this.options.version, terraformVersion, log: this.log };
    for (const vendor of this.options.vendors) {
      const block = asModel(config)[vendor.name];
      const settings = withEnvironmentFallbacks(vendor.config, block == null || isUnknown(block) ? {} : asModel(block));
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
    const { definition, vendor } = this.resource(typeName);
    if (currentState == null) return { newState: null, private: priv, diagnostics: [] };
    const context = this.context(vendor);
    if ('diagnostic' in context) return { newState: currentState, diagnostics: [context.diagnostic] };
    try {
      const found = await readOrNull(definition, context, asModel(currentState));
      if (found === null) {
        this.log.debug('object no longer exists; removing it from state', { type: typeName });
        return { newState: null, private: priv, diagnostics: [] };
      }
      return { newState: completeModel(definition.attributes, found, asModel(currentState)), private: priv, diagnostics: [] };
    } catch (failure) {
      return { newState: currentState, diagnostics: [handlerFailure(`Reading ${typeName} failed`, failure)] };
    }
  }

  async planResourceChange(request: PlanRequest): Promise<PlanResponse> {
    const { definition, vendor } = this.resource(request.typeName);
    const priv = request.priorPrivate;
    if (request.proposedNewState == null) return { plannedState: null, requiresReplace: [], plannedPrivate: priv, diagnostics: [] };
    const context = this.context(vendor);
    if ('diagnostic' in context) return { plannedState: request.proposedNewState, requiresReplace: [], diagnostics: [context.diagnostic] };
    const prior = request.priorState == null ? null : asModel(request.priorState);
    const { planned, requiresReplace } = planChange(definition.attributes, prior, asModel(request.proposedNewState), asModel(request.config));
    return { plannedState: planned, requiresReplace, plannedPrivate: priv, diagnostics: [] };
  }

  async applyResourceChange(request: ApplyRequest): Promise<ApplyResponse> {
    const { definition, vendor } = this.resource(request.typeName);
    const context = this.context(vendor);
    if ('diagnostic' in context) return { newState: request.priorState, diagnostics: [context.diagnostic] };
    const prior = request.priorState == null ? null : asModel(request.priorState);
    const planned = request.plannedState == null ? null : asModel(request.plannedState);
    try {
      if (planned === null) {
        if (prior !== null) await definition.delete(context, prior);
        return { newState: null, diagnostics: [] };
      }
      if (prior === null) {
        const created = await definition.create(context, planned);
        return { newState: settle(definition.attributes, planned, created), diagnostics: [] };
      }
      if (!definition.update) throw new Error(`${request.typeName} has no update handler but an in-place update was planned`);
      const updated = await definition.update(context, prior, planned);
      return { newState: settle(definition.attributes, planned, updated), diagnostics: [] };
    } catch (failure) {
      const action = planned === null ? 'Deleting' : prior === null ? 'Creating' : 'Updating';
      // On failure the prior state stands: for a create that is null, so nothing half-made is recorded.
      return { newState: request.priorState, diagnostics: [handlerFailure(`${action} ${request.typeName} failed`, failure)] };
    }
  }

  async importResourceState(typeName: string, id: string) {
    const { definition, vendor } = this.resource(typeName);
    const context = this.context(vendor);
    if ('diagnostic' in context) return { imported: [], diagnostics: [context.diagnostic] };
    try {
      const parsed = definition.import.parse
        ? await definition.import.parse(id, context)
        : parseImportId(definition.import.format, id);
      const state = completeModel(definition.attributes, parsed as Model, {});
      return { imported: [{ typeName, state }], diagnostics: [] };
    } catch (failure) {
      if (failure instanceof ImportIdError) {
        return {
          imported: [],
          diagnostics: [error('Invalid import ID', `${failure.message}\n\n${typeName} is imported by \`${definition.import.format}\`.`)],
        };
      }
      return { imported: [], diagnostics: [handlerFailure(`Importing ${typeName} failed`, failure)] };
    }
  }

  async readDataSource(typeName: string, config: CtyValue) {
    const { definition, vendor } = this.dataSource(typeName);
    const context = this.context(vendor);
    if ('diagnostic' in context) return { state: null, diagnostics: [context.diagnostic] };
    try {
      const result = await definition.read(context, asModel(config));
      return { state: completeModel(definition.attributes, result, asModel(config)), diagnostics: [] };
    } catch (failure) {
      return { state: null, diagnostics: [handlerFailure(`Reading data source ${typeName} failed`, failure)] };
    }
  }

  async stop(): Promise<void> {
    // In-flight handler calls finish on their own; Terraform starts no new ones after Stop.
    this.log.debug('StopProvider received');
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

  private context(vendor: VendorDefinition): ResourceContext<unknown> | { diagnostic: Diagnostic } {
    if (!this.configured) throw new Error('the provider was used before ConfigureProvider');
    const connection = this.connections.get(vendor.name)!;
    if ('error' in connection) {
      return {
        diagnostic: {
          severity: 'error',
          summary: `Missing ${vendor.name} configuration`,
          detail: `${connection.error.message}.\n\nResources and data sources named ${this.options.typeName}_${vendor.name}_* need the provider's "${vendor.name}" block (or its environment variables).`,
          attribute: [{ attribute: vendor.name }, { attribute: connection.error.attribute }],
        },
      };
    }
    return { client: connection.client, log: this.log };
  }
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
      sensitive: !!spec.sensitive,
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

function withEnvironmentFallbacks(attributes: Attributes, block: Model): Model {
  const settings: Model = {};
  for (const [name, spec] of Object.entries(attributes)) {
    const value = block[name];
    const fromEnv = spec.env ? process.env[spec.env] : undefined;
    settings[name] = value != null ? value : fromEnv !== undefined && fromEnv !== '' ? fromEnv : (spec.default ?? null);
  }
  return settings;
}

/**
 * Terraform's rules: configured values are planned as given; defaults fill unset optional
 * attributes; computed values are unknown on create and kept from the prior state on update;
 * a change to a force-new attribute asks for replacement.
 */
function planChange(attributes: Attributes, prior: Model | null, proposed: Model, config: Model) {
  const planned: Model = { ...proposed };
  const requiresReplace: Array<[{ attribute: string }]> = [];
  for (const [name, spec] of Object.entries(attributes)) {
    const configured = config[name];
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
  if (requiresReplace.length > 0) {
    for (const [name, spec] of Object.entries(attributes)) {
      if (spec.computed && config[name] == null && spec.default === undefined) planned[name] = UNKNOWN;
    }
  }
  return { planned, requiresReplace };
}

/**
 * The state to record after create/update: every value the plan knew stays exactly as planned
 * (Terraform rejects any other result); unknown planned values take what the handler returned.
 */
function settle(attributes: Attributes, planned: Model, result: Model): Model {
  const state: Model = {};
  for (const name of Object.keys(attributes)) {
    const plannedValue = planned[name];
    const value = isUnknown(plannedValue) ? (result[name] ?? null) : plannedValue;
    if (isUnknown(value)) throw new Error(`the handler left "${name}" unknown after apply`);
    state[name] = value;
  }
  return state;
}

/** Exactly the schema's attributes; values the handler did not return are kept from `fallback`. */
function completeModel(attributes: Attributes, result: Model, fallback: Model): Model {
  const state: Model = {};
  for (const name of Object.keys(attributes)) {
    state[name] = name in result && result[name] !== undefined ? result[name] : (fallback[name] ?? null);
  }
  return state;
}

async function readOrNull(definition: ResourceDefinition, context: ResourceContext<unknown>, current: Model): Promise<Model | null> {
  try {
    return await definition.read(context, current);
  } catch (failure) {
    // A 404 on read means the object was deleted outside Terraform: drop it so the next plan recreates it.
    if (failure instanceof VendorApiError && failure.isNotFound) return null;
    throw failure;
  }
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
