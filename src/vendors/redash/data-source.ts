// biaccess_redash_data_source: a Redash data source (the connection to a database).
import { AttributeError, known, type ResourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import { VendorApiError } from '../../framework/http';
import { importedId, MASKED_SECRET, parseId, type DataSourceType, type RedashApi } from './client';

export interface DataSourceModel {
  id: string;
  name: string;
  type: string;
  options: Record<string, string>;
  secret_options_wo: Record<string, string> | null;
  secret_options_wo_version: string | null;
}

export const dataSource: ResourceDefinition<DataSourceModel, RedashApi> = {
  typeName: 'biaccess_redash_data_source',
  description:
    'A Redash data source. Name, type and options change in place. Redash links every new data source to the built-in `default` group ' +
    'with full access (manage or remove that link with biaccess_redash_data_source_access). Secret options (those the type declares ' +
    'secret, e.g. `password`) are never returned by Redash, so a change made to them outside Terraform cannot be detected.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Redash data source id.' },
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Name (unique in Redash). Changes in place.' },
    type: { type: 'string', required: true, description: 'Query runner type, e.g. `pg`, `mysql`, `bigquery` (GET /api/data_sources/types lists them). Changes in place.' },
    options: {
      type: ['map', 'string'],
      required: true,
      sensitive: true,
      description:
        'Connection options as strings, e.g. `{ host = "db", port = "5432", dbname = "prod", user = "redash", password = "…" }`; ' +
        'each value is converted to the type the runner declares (number, boolean, JSON for lists and objects) before it is sent. ' +
        'Values here are stored in the Terraform state: give secrets in `secret_options_wo` instead.',
    },
    secret_options_wo: {
      type: ['map', 'string'],
      optional: true,
      writeOnly: true,
      description:
        'More options, write-only (Terraform >= 1.11): never stored in the plan or the state, e.g. `{ password = var.db_password }`. ' +
        'Sent with `options` when the data source is created, and again whenever `secret_options_wo_version` changes (Redash keeps them otherwise).',
    },
    secret_options_wo_version: { type: 'string', optional: true, description: 'Any value; change it to send `secret_options_wo` again (a write-only value itself is never compared).' },
  },
  import: {
    format: 'id',
    parse: (id) => ({ id: String(importedId(id, 'data source')) }),
  },

  async plan({ client, importCommand }, { prior, planned, config }) {
    if (!planned) return;
    // Type and options are checked now, naming the attribute, before anything else is applied.
    const type = known(planned.type);
    const plannedOptions = known(planned.options);
    // Write-only options are null in the plan: the configuration has them.
    const secrets = known(config?.secret_options_wo ?? null);
    const options = plannedOptions === undefined || (config?.secret_options_wo != null && secrets === undefined) ? undefined : { ...plannedOptions, ...(secrets ?? {}) };
    if (type !== undefined) {
      const runner = await runnerFor(client, type);
      if (options !== undefined && Object.values(options).every((value) => known(value) !== undefined)) typedOptions(runner, options);
    }
    const name = known(planned.name);
    if (name !== undefined && name !== prior?.name) await assertNameFree(client, name, importCommand, prior ? parseId(prior.id, 'id') : undefined, { shared: true });
  },

  async create({ client, importCommand }, planned) {
    const runner = await runnerFor(client, planned.type);
    const options = typedOptions(runner, { ...planned.options, ...(planned.secret_options_wo ?? {}) });
    return client.withDataSourceNameLock(planned.name, async () => {
      await assertNameFree(client, planned.name, importCommand);
      const created = await mapWriteErrors(planned.type, () => client.createDataSource({ name: planned.name, type: planned.type, options }));
      return { ...planned, id: String(created.id), name: created.name, type: created.type, options: planned.options };
    });
  },

  async read({ client }, current) {
    const found = await client.getDataSource(parseId(current.id, 'id'));
    if (!found) return null;
    const runner = (await client.dataSourceTypes()).find((candidate) => candidate.type === found.type);
    return { ...current, id: String(found.id), name: found.name, type: found.type, options: optionsAsStrings(runner, found.options ?? {}, current.options ?? {}) };
  },

  async update({ client, importCommand }, prior, planned) {
    const id = parseId(prior.id, 'id');
    const runner = await runnerFor(client, planned.type);
    // The configuration always holds the write-only options: sending them again keeps them as they are.
    const options = typedOptions(runner, { ...planned.options, ...(planned.secret_options_wo ?? {}) });
    // A secret given in neither goes as Redash's placeholder, which keeps the stored value.
    for (const key of runner.configuration_schema?.secret ?? []) if (!(key in options)) options[key] = MASKED_SECRET;
    return client.withDataSourceNameLock(planned.name, async () => {
      if (planned.name !== prior.name) await assertNameFree(client, planned.name, importCommand, id);
      // Every option is sent, secrets in clear: Redash replaces the whole set with what it gets.
      const updated = await mapWriteErrors(planned.type, () => client.updateDataSource(id, { name: planned.name, type: planned.type, options }));
      return { ...planned, id: String(updated.id), name: updated.name, type: updated.type, options: planned.options };
    });
  },

  async delete({ client }, current) {
    await client.deleteDataSource(parseId(current.id, 'id'));
  },
};

async function runnerFor(client: RedashApi, type: string): Promise<DataSourceType> {
  const types = await client.dataSourceTypes();
  const runner = types.find((candidate) => candidate.type === type);
  if (runner) return runner;
  const known = types.map((candidate) => `"${candidate.type}"`).join(', ');
  throw new AttributeError('type', `Redash has no data source type "${type}". This Redash knows: ${known}.`);
}

async function assertNameFree(client: RedashApi, name: string, importCommand: (id: string) => string, exceptId?: number, options: { shared?: boolean } = {}): Promise<void> {
  const taken = (await client.listDataSources({ fresh: !options.shared })).find((candidate) => candidate.name === name && candidate.id !== exceptId);
  if (!taken) return;
  throw new AttributeError(
    'name',
    `Redash already has a data source named "${name}" (id ${taken.id}); names are unique. To manage it, import it: ${importCommand(String(taken.id))}; or choose another name.`,
  );
}

/**
 * The options as Redash's JSON Schema for the runner wants them: strings converted to numbers,
 * booleans, lists or objects where declared. Messages never carry the values (they may be secrets).
 */
export function typedOptions(runner: DataSourceType, options: Record<string, string>): Record<string, unknown> {
  const properties = runner.configuration_schema?.properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(options)) {
    const declared = properties[key]?.type;
    const converted = convertOption(declared, text);
    if (converted === undefined) {
      throw new AttributeError('options', `options.${key} must be ${describeType(declared)} for data source type "${runner.type}".`);
    }
    result[key] = converted;
  }
  const missing = (runner.configuration_schema?.required ?? []).filter((key) => !(key in options));
  if (missing.length > 0) {
    throw new AttributeError('options', `Data source type "${runner.type}" requires ${missing.map((key) => `options.${key}`).join(', ')}.`);
  }
  return result;
}

function convertOption(declared: string | undefined, text: string): unknown {
  switch (declared) {
    case 'number':
      return /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : undefined;
    case 'integer':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) : undefined;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'array':
    case 'object':
      try {
        const parsed: unknown = JSON.parse(text);
        return (declared === 'array') === Array.isArray(parsed) && typeof parsed === 'object' && parsed !== null ? parsed : undefined;
      } catch {
        return undefined;
      }
    default:
      return text;
  }
}

function describeType(declared: string | undefined): string {
  switch (declared) {
    case 'number':
      return 'a number (e.g. "5432")';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return '"true" or "false"';
    case 'array':
      return 'a JSON list (e.g. jsonencode([...]))';
    default:
      return 'a JSON object (e.g. jsonencode({...}))';
  }
}

/**
 * Redash's options back as the strings of the configuration. Where the configured string means
 * the same value (`"5432"` and 5432, `"05432"` too) the configured spelling stays, so no false
 * drift. Secret options come back masked: the configured value stands (a change to it cannot be
 * seen), and a secret Terraform never knew (after import) is left out so the next apply sends it.
 */
export function optionsAsStrings(runner: DataSourceType | undefined, vendor: Record<string, unknown>, known: Record<string, string>): Record<string, string> {
  const secret = new Set(runner?.configuration_schema?.secret ?? []);
  const properties = runner?.configuration_schema?.properties ?? {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(vendor)) {
    if (value === null || value === undefined) continue;
    if (value === MASKED_SECRET && (secret.has(key) || runner === undefined)) {
      if (key in known) result[key] = known[key];
      continue;
    }
    if (key in known && sameValue(convertOption(properties[key]?.type ?? typeOfValue(value), known[key]), value)) {
      result[key] = known[key];
      continue;
    }
    result[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return result;
}

function typeOfValue(value: unknown): string | undefined {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Redash's 400s on a data source write: a taken name, or options/type its schema rejects. */
async function mapWriteErrors<T>(type: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VendorApiError && error.status === 400) {
      if (/already exists/i.test(error.vendorMessage ?? '')) throw new AttributeError('name', `${error.message}. Import that data source or choose another name.`);
      throw new AttributeError('options', `${error.message}. Redash rejected the options for type "${type}": check the keys and values against that type's fields (GET /api/data_sources/types).`);
    }
    throw error;
  }
}
