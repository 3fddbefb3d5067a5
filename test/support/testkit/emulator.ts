// A small vendor API for proving the provider runtime: a collection of items with an API key.
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../../src/emulator/base';

export interface EmulatedItem {
  id: string;
  name: string;
  kind: string;
  size: number;
  enabled: boolean;
  tags: Record<string, string>;
  secret: string | null;
  created_at: string;
}

interface TestkitState {
  items: Record<string, EmulatedItem>;
  nextId: number;
}

export const TESTKIT_API_KEY = 'testkit-secret-key';

export class TestkitEmulator extends Emulator<TestkitState> {
  constructor(options: { stateFile?: string; apiKey?: string } = {}) {
    super({ name: 'testkit', stateFile: options.stateFile });
    const apiKey = options.apiKey ?? TESTKIT_API_KEY;
    this.expectedKey = apiKey;
    // `?name=` lists only the items of that name, as vendors' search parameters do.
    this.route('GET', '/items', (request) => {
      const name = request.query.get('name');
      const items = Object.values(this.state.items);
      return { status: 200, body: name === null ? items : items.filter((item) => item.name === name) };
    });
    this.route('GET', '/items/:id', (request) => {
      const item = this.state.items[request.params.id];
      return item ? { status: 200, body: item } : { status: 404, body: { message: 'item not found' } };
    });
    this.route('POST', '/items', (request) => {
      const body = request.body ?? {};
      if (typeof body.name !== 'string' || body.name === '') return { status: 400, body: { message: 'name is required' } };
      const id = String(this.state.nextId++);
      const item: EmulatedItem = {
        id,
        name: body.name,
        kind: body.kind ?? 'basic',
        size: body.size ?? 1,
        enabled: body.enabled ?? true,
        tags: body.tags ?? {},
        secret: body.secret ?? null,
        created_at: new Date().toISOString(),
      };
      this.state.items[id] = item;
      return { status: 201, body: item };
    });
    this.route('PATCH', '/items/:id', (request) => {
      const item = this.state.items[request.params.id];
      if (!item) return { status: 404, body: { message: 'item not found' } };
      const { id: _ignored, created_at: _alsoIgnored, ...changes } = request.body ?? {};
      Object.assign(item, changes);
      return { status: 200, body: item };
    });
    this.route('DELETE', '/items/:id', (request) => {
      if (!this.state.items[request.params.id]) return { status: 404, body: { message: 'item not found' } };
      delete this.state.items[request.params.id];
      return { status: 204 };
    });
  }

  private readonly expectedKey: string;

  protected initialState(): TestkitState {
    return { items: {}, nextId: 1 };
  }

  protected authenticate(request: EmulatorRequest): EmulatorResponse | undefined {
    return request.headers['x-api-key'] === this.expectedKey ? undefined : { status: 401, body: { message: 'bad api key' } };
  }

  /** Direct access for tests that change things "behind Terraform's back". */
  get items(): Record<string, EmulatedItem> {
    return this.state.items;
  }
}
