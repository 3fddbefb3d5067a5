// The test vendor: one resource and one data source backed by TestkitEmulator. It exercises
// every schema feature the framework offers (required, optional, default, computed,
// force-new, sensitive, map, validators) without depending on a real vendor.
import type { Attributes, DataSourceDefinition, ResourceDefinition, VendorDefinition } from '../../../src/framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../../src/framework/config';
import { isVendorStatus, VendorHttpClient } from '../../../src/framework/http';
import { oneOf } from '../../../src/framework/validators';
import type { EmulatedItem } from './emulator';

interface TestkitClient {
  http: VendorHttpClient;
}

interface ItemModel {
  id: string;
  name: string;
  kind: string;
  size: number;
  enabled: boolean;
  tags: Record<string, string> | null;
  secret: string | null;
  created_at: string;
}

const itemAttributes: Attributes = {
  id: { type: 'string', computed: true, description: 'Item id.' },
  name: { type: 'string', required: true, description: 'Display name; changes in place.' },
  kind: { type: 'string', default: 'basic', forceNew: true, validators: [oneOf(['basic', 'premium'])], description: 'Kind of item.' },
  size: { type: 'number', default: 1, description: 'Size; changes in place.' },
  enabled: { type: 'bool', default: true, description: 'Whether the item is enabled.' },
  tags: { type: ['map', 'string'], optional: true, description: 'Free-form tags.' },
  secret: { type: 'string', optional: true, sensitive: true, description: 'A secret the API stores but never returns.' },
  created_at: { type: 'string', computed: true, description: 'Creation time.' },
};

function toModel(item: EmulatedItem, secret: string | null): ItemModel {
  const tags = Object.keys(item.tags).length > 0 ? item.tags : null;
  return { id: item.id, name: item.name, kind: item.kind, size: item.size, enabled: item.enabled, tags, secret, created_at: item.created_at };
}

const item: ResourceDefinition<ItemModel, TestkitClient> = {
  typeName: 'biaccess_testkit_item',
  description: 'A test item.',
  attributes: itemAttributes,
  import: { format: 'id' },
  async create({ client }, planned) {
    const body = { name: planned.name, kind: planned.kind, size: planned.size, enabled: planned.enabled, tags: planned.tags ?? {}, secret: planned.secret };
    // Item names are not unique: after an ambiguous failure, an item of this name that was not
    // there before the first attempt is the one this create made.
    // Only the items of that name are read: the whole list grows with every create, and reading it
    // before each one made an apply of N items read N²/2 items.
    const sameName = async () => client.http.get<EmulatedItem[]>('/items', { query: { name: planned.name } });
    const before = new Set((await sameName()).map((item) => item.id));
    const created = await client.http.confirmedWrite(
      () => client.http.post<EmulatedItem>('/items', body),
      async () => (await sameName()).find((item) => item.name === planned.name && !before.has(item.id)),
    );
    return toModel(created, planned.secret);
  },
  async read({ client }, current) {
    // One shared list read serves every item in a plan: N items, one GET /items.
    const items = await client.http.cachedGet<EmulatedItem[]>('/items');
    const found = items.find((candidate) => candidate.id === current.id);
    return found ? toModel(found, current.secret) : null;
  },
  async update({ client }, prior, planned) {
    const updated = await client.http.patch<EmulatedItem>(`/items/${prior.id}`, {
      name: planned.name,
      size: planned.size,
      enabled: planned.enabled,
      tags: planned.tags ?? {},
      secret: planned.secret,
    });
    return toModel(updated, planned.secret);
  },
  async delete({ client }, current) {
    try {
      await client.http.delete(`/items/${current.id}`);
    } catch (error) {
      // Deleted already (outside Terraform): done.
      if (!isVendorStatus(error, 404)) throw error;
    }
  },
};

interface ItemLookupModel {
  name: string;
  id: string;
  kind: string;
  size: number;
}

const itemLookup: DataSourceDefinition<ItemLookupModel, TestkitClient> = {
  typeName: 'biaccess_testkit_item',
  description: 'Looks up an item by name.',
  attributes: {
    name: { type: 'string', required: true, description: 'Name of the item.' },
    id: { type: 'string', computed: true, description: 'Item id.' },
    kind: { type: 'string', computed: true, description: 'Kind of item.' },
    size: { type: 'number', computed: true, description: 'Size.' },
  },
  async read({ client }, config) {
    const items = await client.http.cachedGet<EmulatedItem[]>('/items');
    const found = items.filter((candidate) => candidate.name === config.name);
    if (found.length !== 1) throw new Error(`expected one item named "${config.name}", found ${found.length}`);
    return { name: config.name, id: found[0].id, kind: found[0].kind, size: found[0].size };
  },
};

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'TESTKIT_URL', description: 'Base URL of the test API.' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'TESTKIT_API_KEY', description: 'API key.' },
};

export const testkit: VendorDefinition<TestkitClient> = {
  name: 'testkit',
  description: 'Test vendor (tests only).',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('testkit', settings, config.url);
    const apiKey = requiredSetting('testkit', settings, 'api_key', config.api_key);
    return {
      http: new VendorHttpClient({
        vendor: 'testkit',
        baseUrl,
        headers: { 'X-Api-Key': apiKey },
        secrets: [apiKey],
        log: runtime.log,
        signal: runtime.signal,
        userAgent: runtime.userAgent,
        retry: { budgetMs: 20000 },
        apiCheck: { path: '/items', hint: 'check testkit.url (TESTKIT_URL).' },
      }),
    };
  },
  resources: [item],
  dataSources: [itemLookup],
};
