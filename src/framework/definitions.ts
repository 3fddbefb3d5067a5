// How a vendor declares its provider configuration block, resources and data sources.
// A resource is declared once: its schema next to its handlers. The framework does the protocol
// work (planning, defaults, replacement, diagnostics, import parsing, drift on 404).
import type { CtyType, CtyValue } from '../protocol/values';
import type { Logger } from './log';

/** Checks one attribute value; returns a problem (without the attribute name) or undefined. */
export interface Validator {
  /** Shown in docs and in the error, e.g. `one of "View", "Edit", "Admin"`. */
  readonly description: string;
  check(value: CtyValue): string | undefined;
}

export interface AttributeSpec {
  type: CtyType;
  description: string;
  /** Exactly one of required, optional or computed-only (neither flag) applies. */
  required?: boolean;
  optional?: boolean;
  /** Set by the provider (alone: read-only; with optional: the provider fills it when unset). */
  computed?: boolean;
  sensitive?: boolean;
  /** Value used when the configuration leaves the attribute unset (implies optional+computed). */
  default?: CtyValue;
  /** Changing this attribute destroys and recreates the object. */
  forceNew?: boolean;
  validators?: Validator[];
  /** Provider configuration only: environment variable read when the attribute is unset. */
  env?: string;
}

export type Attributes = Record<string, AttributeSpec>;

/** A rule over several attributes (e.g. "exactly one of"); returns problems with the attribute they concern. */
export type ConfigRule = (config: Record<string, CtyValue>) => Array<{ attribute?: string; message: string }>;

export interface ResourceContext<Client> {
  client: Client;
  log: Logger;
}

export interface ImportSpec<Model, Client> {
  /** The documented ID shape, e.g. `group_id/user_id` or `id | email`. */
  format: string;
  /**
   * Turns an import ID into the attributes Read needs to find the object. Throw ImportIdError
   * for a malformed ID. Default: split `format` on "/" and assign each part to the attribute of
   * that name (every part required and non-empty).
   */
  parse?(id: string, context: ResourceContext<Client>): Promise<Partial<Model>> | Partial<Model>;
}

export interface ResourceDefinition<Model = any, Client = any> {
  /** Full Terraform type name, e.g. `biaccess_redash_group`. */
  typeName: string;
  description: string;
  attributes: Attributes;
  rules?: ConfigRule[];
  /** Increment when the stored shape changes; `upgradeState` moves older JSON state forward. */
  schemaVersion?: number;
  upgradeState?(version: number, raw: Record<string, unknown>): Record<string, unknown>;
  import: ImportSpec<Model, Client>;
  /**
   * Handlers get and return models: plain objects keyed by attribute name (snake_case).
   * create returns the new object's full state; read returns null when the object is gone
   * (Terraform then drops it from state and plans to recreate it).
   */
  create(context: ResourceContext<Client>, planned: Model): Promise<Model>;
  read(context: ResourceContext<Client>, current: Model): Promise<Model | null>;
  /** Absent when every configurable attribute is force-new. */
  update?(context: ResourceContext<Client>, prior: Model, planned: Model): Promise<Model>;
  delete(context: ResourceContext<Client>, current: Model): Promise<void>;
}

export interface DataSourceDefinition<Model = any, Client = any> {
  typeName: string;
  description: string;
  attributes: Attributes;
  rules?: ConfigRule[];
  read(context: ResourceContext<Client>, config: Model): Promise<Model>;
}

export interface VendorDefinition<Client = any> {
  /** Name of the provider configuration block, e.g. `redash`; also the resource type infix. */
  name: string;
  description: string;
  config: Attributes;
  /**
   * Builds the vendor's API client from the resolved configuration (environment fallbacks
   * applied). Throw VendorConfigError when something needed is missing or malformed: the
   * error is reported when a resource of this vendor is used, not when the provider starts.
   */
  connect(config: Record<string, CtyValue>, runtime: ProviderRuntime): Client;
  resources: ResourceDefinition<any, Client>[];
  dataSources: DataSourceDefinition<any, Client>[];
}

export interface ProviderRuntime {
  providerVersion: string;
  terraformVersion: string;
  log: Logger;
}

/** A malformed import ID; the message says what was expected. */
export class ImportIdError extends Error {}

/** The vendor block is missing or incomplete; names the attribute and its environment variable. */
export class VendorConfigError extends Error {
  constructor(
    readonly attribute: string,
    message: string,
  ) {
    super(message);
  }
}

/** A problem with one attribute's value found by a handler (e.g. an unknown group id). */
export class AttributeError extends Error {
  constructor(
    readonly attribute: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}
