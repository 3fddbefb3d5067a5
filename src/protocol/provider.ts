// The contract between the plugin protocol server and whatever implements a provider.
// Values are decoded cty values; the protocol layer knows nothing of resources or vendors.
import type { CtyType, CtyValue } from './values';

export type PathStep = { attribute: string } | { key: string } | { index: number };
export type AttributePath = PathStep[];

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  attribute?: AttributePath;
}

export interface SchemaAttribute {
  name: string;
  type: CtyType;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Given in the configuration, never stored in plan or state (Terraform >= 1.11). */
  writeOnly?: boolean;
}

export interface SchemaNestedBlock {
  typeName: string;
  nesting: 'single' | 'list' | 'set' | 'map' | 'group';
  block: SchemaBlock;
  minItems?: number;
  maxItems?: number;
}

export interface SchemaBlock {
  attributes: SchemaAttribute[];
  blockTypes: SchemaNestedBlock[];
  description?: string;
}

export interface Schema {
  version: number;
  block: SchemaBlock;
}

export interface ProviderSchema {
  provider: Schema;
  resources: Record<string, Schema>;
  dataSources: Record<string, Schema>;
}

export interface PlanRequest {
  typeName: string;
  priorState: CtyValue;
  proposedNewState: CtyValue;
  config: CtyValue;
  priorPrivate: Buffer;
}
export interface PlanResponse {
  plannedState: CtyValue;
  requiresReplace: AttributePath[];
  plannedPrivate?: Buffer;
  diagnostics: Diagnostic[];
}

export interface ApplyRequest {
  typeName: string;
  priorState: CtyValue;
  plannedState: CtyValue;
  config: CtyValue;
  plannedPrivate: Buffer;
}
export interface ApplyResponse {
  newState: CtyValue;
  private?: Buffer;
  diagnostics: Diagnostic[];
}

export interface ReadResponse {
  newState: CtyValue;
  private?: Buffer;
  diagnostics: Diagnostic[];
}

export interface ImportedResource {
  typeName: string;
  state: CtyValue;
  private?: Buffer;
}

/** What the protocol server needs from a provider implementation. */
export interface PluginProvider {
  schema(): ProviderSchema;
  validateProviderConfig(config: CtyValue): Promise<Diagnostic[]>;
  configure(config: CtyValue, terraformVersion: string): Promise<Diagnostic[]>;
  validateResourceConfig(typeName: string, config: CtyValue): Promise<Diagnostic[]>;
  validateDataSourceConfig(typeName: string, config: CtyValue): Promise<Diagnostic[]>;
  /** rawState is the stored JSON state of an older (or the same) schema version. */
  upgradeResourceState(
    typeName: string,
    version: number,
    rawState: Record<string, unknown>,
  ): Promise<{ upgradedState: CtyValue; diagnostics: Diagnostic[] }>;
  readResource(typeName: string, currentState: CtyValue, priv: Buffer): Promise<ReadResponse>;
  planResourceChange(request: PlanRequest): Promise<PlanResponse>;
  applyResourceChange(request: ApplyRequest): Promise<ApplyResponse>;
  importResourceState(
    typeName: string,
    id: string,
  ): Promise<{ imported: ImportedResource[]; diagnostics: Diagnostic[] }>;
  readDataSource(typeName: string, config: CtyValue): Promise<{ state: CtyValue; diagnostics: Diagnostic[] }>;
  /** Terraform asked the provider to stop (Ctrl-C): finish what is in flight, start nothing new. */
  stop(): Promise<void>;
}
