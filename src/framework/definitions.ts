// How a vendor declares its provider configuration block, resources and data sources.
// A resource is declared once: its schema next to its handlers. The framework does the protocol
// work (planning, defaults, replacement, diagnostics, typed import IDs, warnings, partial and
// private state, cancellation); a handler returns a value or throws.
import { isUnknown, type CtyType, type CtyValue } from '../protocol/values';
import type { Logger } from './log';

/** Checks one attribute value; returns a problem (without the attribute name) or undefined. */
export interface Validator {
  /** Shown in docs and in the error, e.g. `one of "View", "Edit", "Admin"`. */
  readonly description: string;
  /** The values allowed, when the validator allows a closed list (constructs type them as a union, docs list them). */
  readonly allowedValues?: readonly string[];
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
  /**
   * A computed value an in-place update may change: planned as "known after apply" whenever the
   * object is updated. Without it a computed value keeps its prior value through updates, and a
   * different value returned by `update` is a definition bug (logged, not stored).
   */
  recomputed?: boolean;
  sensitive?: boolean;
  /**
   * Terraform >= 1.11: the value is given in the configuration, reaches the create and update
   * handlers, and is never stored in the plan or the state (where it is null). Optional only; a
   * change of it is no diff, so pair it with a version attribute whose change triggers the update.
   * Never sensitive as well: Terraform shows no write-only value anyway, and with a sensitive mark
   * on it, the order of the state's marks changed between an update and the next refresh, which
   * made a refresh-only plan right after the apply exit 2.
   */
  writeOnly?: boolean;
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

/** What every handler gets. */
export interface HandlerContext<Client> {
  client: Client;
  log: Logger;
  /** Aborted when Terraform stops the provider (Ctrl-C); the HTTP base then stops retrying. */
  signal: AbortSignal;
  /** The Terraform type being handled, e.g. `biaccess_acme_group`. */
  typeName: string;
  /** Adds a warning that Terraform shows after the operation (the operation itself goes on). */
  warn(summary: string, detail?: string, attribute?: string): void;
  /** The command that imports an existing object into this type, e.g. for "already exists" errors. */
  importCommand(id: string): string;
}

/**
 * Data a resource keeps next to its state, which Terraform stores but never shows nor compares
 * with the configuration (e.g. the org an object was created in). Values are JSON.
 */
export interface PrivateState {
  get<T = unknown>(key: string): T | undefined;
  /** undefined removes the key. */
  set(key: string, value: unknown): void;
}

export interface ResourceContext<Client, Model = Record<string, CtyValue>> extends HandlerContext<Client> {
  private: PrivateState;
  /**
   * Create and update only: records what exists at the vendor so far. If the handler then fails,
   * the recorded values are stored (over the planned ones on create, over the prior state on
   * update): a create that failed part-way is kept in state and tainted, so Terraform replaces it
   * on the next apply instead of losing track of it. Call it after each step that changed the
   * vendor; no undo paths.
   */
  recordPartial(values: Partial<Model>): void;
}

/** A change Terraform is planning; values not known until apply are UNKNOWN (see `known`). */
export interface PlannedChange<Model> {
  /** null: the object is to be created. */
  prior: Model | null;
  /** null: the object is to be destroyed. */
  planned: Model | null;
  config: Model | null;
}

export interface PlanContext<Client, Model = Record<string, CtyValue>> extends ResourceContext<Client, Model> {
  /** Asks Terraform to replace the object because of this attribute. */
  requireReplace(attribute: string): void;
}

export interface ImportSpec<Model, Client> {
  /** The documented ID shape, e.g. `group_id/user_id` or `id | email`. */
  format: string;
  /**
   * Turns an import ID into the attributes Read needs to find the object; each value is converted
   * to its attribute's type. Throw ImportIdError for a malformed ID. Default: split `format` on
   * "/" and assign each part to the attribute of that name (every part required and non-empty).
   */
  parse?(id: string, context: ResourceContext<Client, Model>): Promise<Partial<Model>> | Partial<Model>;
}

export interface ResourceDefinition<Model = any, Client = any> {
  /** Full Terraform type name, e.g. `biaccess_acme_group`. */
  typeName: string;
  description: string;
  attributes: Attributes;
  rules?: ConfigRule[];
  /** Increment when the stored shape changes; `upgradeState` moves older JSON state forward. */
  schemaVersion?: number;
  upgradeState?(version: number, raw: Record<string, unknown>): Record<string, unknown>;
  import: ImportSpec<Model, Client>;
  /**
   * Optional checks at plan time, with the client: unknown ids, wrong credentials for this type,
   * features the server lacks. Called when the object is created, updated, replaced or destroyed
   * (never for an unchanged object, so a large plan costs no extra requests). Throw an
   * AttributeError (or any error) to fail the plan; values known only at apply are UNKNOWN.
   */
  plan?(context: PlanContext<Client, Model>, change: PlannedChange<Model>): Promise<void>;
  /**
   * Handlers get and return models: plain objects keyed by attribute name (snake_case).
   * create returns the new object's full state.
   */
  create(context: ResourceContext<Client, Model>, planned: Model): Promise<Model>;
  /**
   * The object as the vendor has it, or null when the vendor says it is gone (deleted outside
   * Terraform): the framework then drops it from state with a warning, and the next apply
   * creates it again. Never return null for an error (wrong URL, credentials or org): throw.
   */
  read(context: ResourceContext<Client, Model>, current: Model): Promise<Model | null>;
  /** Absent when every configurable attribute is force-new. */
  update?(context: ResourceContext<Client, Model>, prior: Model, planned: Model): Promise<Model>;
  /** An object (or what it refers to) already gone counts as deleted. */
  delete(context: ResourceContext<Client, Model>, current: Model): Promise<void>;
}

export interface DataSourceDefinition<Model = any, Client = any> {
  typeName: string;
  description: string;
  attributes: Attributes;
  rules?: ConfigRule[];
  read(context: HandlerContext<Client>, config: Model): Promise<Model>;
}

export interface VendorDefinition<Client = any> {
  /** Name of the provider configuration block, e.g. `acme`; also the resource type infix. */
  name: string;
  description: string;
  config: Attributes;
  /**
   * Groups of settings that are alternatives to each other, e.g. `[['token'], ['username',
   * 'password']]`: when the block sets a setting of one group, the environment variables of the
   * other groups are not read, so a block that logs in one way is not mixed with environment
   * credentials of the other (two provider aliases may log in differently).
   */
  alternativeSettings?: string[][];
  /**
   * Builds the vendor's API client from the resolved configuration (environment fallbacks
   * applied). Throw VendorConfigError when something needed is missing or malformed: the
   * error is reported when a resource of this vendor is used, not when the provider starts.
   * Usable without Terraform too (tools call it with their own runtime).
   */
  connect(config: Record<string, CtyValue>, runtime: ProviderRuntime): Client;
  resources: ResourceDefinition<any, Client>[];
  dataSources: DataSourceDefinition<any, Client>[];
}

export interface ProviderRuntime {
  log: Logger;
  /** Aborted when the provider is asked to stop; vendor clients pass it to their HTTP client. */
  signal: AbortSignal;
  /** Sent as the User-Agent of vendor API requests, e.g. `terraform-provider-biaccess/0.1.0 terraform/1.11.4`. */
  userAgent: string;
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

/** A configured or planned value, or undefined when unset or not known until apply. */
export function known<T extends CtyValue>(value: T | null | undefined): Exclude<T, null> | undefined {
  return value === null || value === undefined || isUnknown(value) ? undefined : (value as Exclude<T, null>);
}
