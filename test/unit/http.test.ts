// VendorHttpClient against a tiny emulator: retries, error messages, cached reads and locks.
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../src/emulator/base';
import { BaseUrlError, VendorApiError, VendorHttpClient, type HttpClientOptions } from '../../src/framework/http';
import { extractVendorMessage } from '../../src/framework/http-errors';
import type { Logger } from '../../src/framework/log';

const SECRET = 's3cr3t-api-key-9f8e7d';

interface Item {
  id: number;
  name: string;
}

interface ItemsState {
  items: Item[];
  nextId: number;
  lists: Record<string, string[]>;
}

/** An /items collection, lists for read-modify-write, and routes that answer in vendor error formats. */
class ItemsEmulator extends Emulator<ItemsState> {
  constructor() {
    super({ name: 'items' });
    this.route('GET', '/items', () => ({ status: 200, body: this.state.items }));
    this.route('POST', '/items', (request) => {
      const name = String(request.body?.name ?? '');
      if (this.state.items.some((item) => item.name === name)) return { status: 400, body: { message: `Item "${name}" already exists` } };
      const item = { id: this.state.nextId++, name };
      this.state.items.push(item);
      return { status: 201, body: item };
    });
    this.route('GET', '/items/:id', (request) => {
      const item = this.state.items.find((candidate) => candidate.id === Number(request.params.id));
      return item ? { status: 200, body: item } : { status: 404, body: { message: 'Item not found' } };
    });
    this.route('PUT', '/items/:id', (request) => {
      const item = this.state.items.find((candidate) => candidate.id === Number(request.params.id));
      if (!item) return { status: 404, body: { message: 'Item not found' } };
      item.name = String(request.body?.name);
      return { status: 200, body: item };
    });
    this.route('DELETE', '/items/:id', (request) => {
      this.state.items = this.state.items.filter((candidate) => candidate.id !== Number(request.params.id));
      return { status: 204 };
    });
    this.route('GET', '/lists/:key', (request) => ({ status: 200, body: { values: this.state.lists[request.params.key] ?? [] } }));
    this.route('PUT', '/lists/:key', (request) => {
      this.state.lists[request.params.key] = request.body.values;
      return { status: 200, body: { values: request.body.values } };
    });
    // Echoes the caller's credentials back, as careless servers do.
    this.route('GET', '/whoami', (request) => ({ status: 403, body: { message: `API key "${request.headers.authorization}" may not read this` } }));
    this.route('POST', '/groups', () => ({ status: 422, body: { error: { code: 1002, message: 'Group already exists', status: 422 } } }));
    this.route('GET', '/gateway', () => ({ status: 502, body: `upstream failed ${'x'.repeat(1000)}` }));
    this.route('GET', '/login-redirect', () => ({ status: 302, headers: { Location: '/login?next=/api' } }));
    this.route('GET', '/html', () => ({ status: 200, body: '<html><head><title>Sign in</title></head></html>', headers: { 'Content-Type': 'text/html' } }));
    this.route('POST', '/echo', (request) => ({ status: 200, body: { contentType: request.headers['content-type'], body: request.body } }));
    this.route('GET', '/agent', (request) => ({ status: 200, body: { agent: request.headers['user-agent'] } }));
    // Applies the create, then answers 500 as if the response was lost on the way back.
    this.route('POST', '/items-lost-answer', (request) => {
      const item = { id: this.state.nextId++, name: String(request.body?.name ?? '') };
      this.state.items.push(item);
      return { status: 500, body: { message: 'Internal Server Error' } };
    });
  }

  protected initialState(): ItemsState {
    return { items: [], nextId: 1, lists: {} };
  }

  protected authenticate(request: EmulatorRequest): EmulatorResponse | undefined {
    if (request.headers.authorization === `Key ${SECRET}`) return undefined;
    return { status: 404, body: { message: "Couldn't find resource. Please login and try again." } };
  }
}

const emulator = new ItemsEmulator();
const clients: VendorHttpClient[] = [];

function client(options: Partial<HttpClientOptions> = {}): VendorHttpClient {
  const created = new VendorHttpClient({
    vendor: 'testvendor',
    baseUrl: emulator.url,
    headers: { Authorization: `Key ${SECRET}` },
    secrets: [SECRET],
    ...options,
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...options.retry },
  });
  clients.push(created);
  return created;
}

async function failureOf(promise: Promise<unknown>): Promise<VendorApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VendorApiError);
    return error as VendorApiError;
  }
  throw new Error('expected the request to fail');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

beforeAll(() => emulator.start());
afterAll(async () => {
  for (const created of clients) created.close();
  await emulator.stop();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequestLog();
  emulator.resetState();
});

describe('retries', () => {
  test('a GET succeeds after three injected 500s', async () => {
    emulator.failNext(3, 500);
    await expect(client().get('/items')).resolves.toEqual([]);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(4);
  });

  test('a POST is not retried on 500 unless marked idempotent', async () => {
    emulator.failNext(1, 500);
    const error = await failureOf(client().post('/items', { name: 'a' }));
    expect(error.status).toBe(500);
    expect(error.message).toBe('testvendor API: POST /items returned 500 Internal Server Error');
    expect(emulator.countRequests({ method: 'POST', path: '/items' })).toBe(1);

    emulator.failNext(2, 500);
    await expect(client().post('/items', { name: 'b' }, { idempotent: true })).resolves.toEqual({ id: 1, name: 'b' });
    expect(emulator.countRequests({ method: 'POST', path: '/items' })).toBe(4);
  });

  test('429 with Retry-After: 1 waits about a second, also for a POST', async () => {
    emulator.failNext(1, 429, 1);
    const startedAt = Date.now();
    await expect(client().post('/items', { name: 'c' })).resolves.toMatchObject({ name: 'c' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
    expect(emulator.countRequests({ method: 'POST', path: '/items' })).toBe(2);
  });

  test('stops after maxAttempts and says it gave up', async () => {
    emulator.failNext(10, 503);
    const error = await failureOf(client({ retry: { maxAttempts: 3 } }).get('/items'));
    expect(error.message).toBe('testvendor API: GET /items returned 503 Service Unavailable (gave up after 3 attempts)');
    expect(emulator.countRequests({ path: '/items' })).toBe(3);
  });

  test('stops when the next wait would exceed the retry budget', async () => {
    emulator.failNext(1000, 500);
    const startedAt = Date.now();
    const error = await failureOf(client({ retry: { maxAttempts: 1000, budgetMs: 300, baseDelayMs: 50, maxDelayMs: 100 } }).get('/items'));
    expect(error.message).toMatch(/returned 500 Internal Server Error \(gave up after \d+ attempts; waiting .* would exceed the 0\.3 s retry budget\)$/);
    expect(Date.now() - startedAt).toBeLessThan(2000);

    // A Retry-After longer than the budget gives up at once instead of sleeping in vain.
    emulator.clearFaults();
    emulator.failNext(1, 429, 30);
    const throttled = await failureOf(client({ retry: { budgetMs: 2000 } }).get('/items'));
    expect(throttled.message).toContain('returned 429 Too Many Requests');
    expect(throttled.message).toContain('(gave up after 1 attempt; waiting 30 s (Retry-After) would exceed the 2 s retry budget)');
  });

  test('4xx other than 429 are not retried', async () => {
    emulator.failNext(1, 409);
    await failureOf(client().put('/items/1', { name: 'x' }));
    expect(emulator.countRequests()).toBe(1);
  });
});

describe('error messages', () => {
  test('name method, path, status and vendor message, never the secret', async () => {
    const error = await failureOf(client().get('/whoami'));
    expect(error.message).toBe('testvendor API: GET /whoami returned 403 Forbidden: API key "Key ***" may not read this');
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(error.vendorMessage).toBe('API key "Key ***" may not read this');
    expect(error.isNotFound).toBe(false);
  });

  test('drop a query string that carries a secret', async () => {
    const error = await failureOf(client().get('/items/42', { query: { api_key: SECRET } }));
    expect(error.message).toBe('testvendor API: GET /items/42 returned 404 Not Found: Item not found');
    expect(error.isNotFound).toBe(true);
    const withHarmlessQuery = await failureOf(client().get('/items/42', { query: { page: 2, q: undefined } }));
    expect(withHarmlessQuery.message).toContain('GET /items/42?page=2 returned 404');
  });

  test('unwrap an error object, use the vendor\'s own parser first, and shorten text bodies', async () => {
    const wrapped = await failureOf(client().post('/groups', { name: 'g' }));
    expect(wrapped.message).toBe('testvendor API: POST /groups returned 422 Unprocessable Entity: Group already exists');
    const parsed = await failureOf(client({ errorMessage: (body) => `code ${(body as { error: { code: number } }).error.code}` }).post('/groups', { name: 'g' }));
    expect(parsed.message).toBe('testvendor API: POST /groups returned 422 Unprocessable Entity: code 1002');

    const gateway = await failureOf(client({ retry: { maxAttempts: 1 } }).get('/gateway'));
    expect(gateway.vendorMessage).toMatch(/^upstream failed x+…$/);
    expect(gateway.vendorMessage!.length).toBeLessThanOrEqual(301);
  });

  test('extractVendorMessage understands the common formats, and a vendor parser comes first', () => {
    expect(extractVendorMessage({ message: 'Email already taken' })).toBe('Email already taken');
    const withCause = (body: unknown) => `${(body as { message: string }).message} (${(body as { error: string }).error})`;
    expect(extractVendorMessage({ message: 'Failed to add team member', error: 'UNIQUE constraint failed' }, 'application/json', withCause)).toBe('Failed to add team member (UNIQUE constraint failed)');
    expect(extractVendorMessage({ error: { code: 'X', message: 'Invalid token', status: 401 } })).toBe('Invalid token');
    expect(extractVendorMessage({ error: 'Unauthorized' })).toBe('Unauthorized');
    expect(extractVendorMessage('<html><title>502 Bad Gateway</title><body>nginx</body></html>', 'text/html')).toBe('502 Bad Gateway');
    expect(extractVendorMessage({ unexpected: true })).toBe('{"unexpected":true}');
    expect(extractVendorMessage('')).toBeUndefined();
    expect(extractVendorMessage({})).toBeUndefined();
  });

  test('report a redirect (wrong base URL or login page) instead of following it', async () => {
    const error = await failureOf(client().get('/login-redirect'));
    expect(error.message).toBe('testvendor API: GET /login-redirect returned 302 Found: redirect to /login?next=/api; check the base URL');
    const html = await failureOf(client().get('/html'));
    expect(html.message).toContain('expected JSON but got an HTML page (Sign in); check the base URL');
  });

  test('network errors name the cause and are retried', async () => {
    const closed = new ItemsEmulator();
    const closedUrl = await closed.start();
    await closed.stop();
    const error = await failureOf(client({ baseUrl: closedUrl, retry: { maxAttempts: 2 } }).get('/items'));
    expect(error.message).toBe(`testvendor API: GET /items failed: connect ECONNREFUSED ${closedUrl.replace('http://', '')} (gave up after 2 attempts)`);
    expect(error.status).toBeUndefined();
    expect(error.isAmbiguous).toBe(true);
  });

  test('a slow server times out per attempt', async () => {
    emulator.setFaults({ latencyMs: 400 });
    const error = await failureOf(client({ timeoutMs: 100, retry: { maxAttempts: 2 } }).get('/items'));
    expect(error.message).toBe('testvendor API: GET /items failed: timed out after 0.1 s (gave up after 2 attempts)');
  });

  test('debug logs carry attempt and status but no secret', async () => {
    const lines: string[] = [];
    const log: Logger = {
      log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })),
      debug: (message, fields) => lines.push(JSON.stringify({ level: 'debug', message, ...fields })),
      warn: (message, fields) => lines.push(JSON.stringify({ level: 'warn', message, ...fields })),
      error: (message, fields) => lines.push(JSON.stringify({ level: 'error', message, ...fields })),
    };
    emulator.failNext(1, 500);
    await client({ log }).get('/items', { query: { api_key: SECRET } });
    await failureOf(client({ log }).get('/whoami'));
    expect(lines.some((line) => line.includes('"status":500') && line.includes('"attempt":1'))).toBe(true);
    expect(lines.some((line) => line.includes('"status":200') && line.includes('"attempt":2'))).toBe(true);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('bodies', () => {
  test('JSON in and out, forms for logins, 204 as undefined', async () => {
    await expect(client().post('/echo', { a: [1, 2] })).resolves.toEqual({ contentType: 'application/json', body: { a: [1, 2] } });
    await expect(client().post('/echo', new URLSearchParams({ username: 'u', password: 'p w' }))).resolves.toEqual({
      contentType: 'application/x-www-form-urlencoded',
      body: { username: 'u', password: 'p w' },
    });
    await client().post('/items', { name: 'gone' });
    await expect(client().delete('/items/1')).resolves.toBeUndefined();
  });
});

describe('cachedGet', () => {
  test('20 concurrent identical reads make one call; a write to the collection forces a fresh one', async () => {
    const http = client();
    await http.post('/items', { name: 'first' });
    emulator.clearRequestLog();

    const results = await Promise.all(Array.from({ length: 20 }, () => http.cachedGet<Item[]>('/items')));
    expect(results.every((result) => result.length === 1)).toBe(true);
    // Shared and frozen: a caller cannot corrupt what the others read.
    expect(() => results[0].push({ id: 99, name: 'local change' })).toThrow(TypeError);
    await expect(http.cachedGet('/items')).resolves.toEqual([{ id: 1, name: 'first' }]);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(1);

    await http.post('/items', { name: 'second' });
    await expect(http.cachedGet<Item[]>('/items')).resolves.toHaveLength(2);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(2);

    // A write below the collection drops it too; a different query is a different read.
    await http.put('/items/1', { name: 'renamed' });
    await expect(http.cachedGet<Item[]>('/items')).resolves.toContainEqual({ id: 1, name: 'renamed' });
    await http.cachedGet('/items', { page: 1 });
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(4);
  });

  test('a failed read is not cached', async () => {
    const http = client();
    emulator.failNext(1, 400);
    await failureOf(http.cachedGet('/items'));
    await expect(http.cachedGet('/items')).resolves.toEqual([]);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(2);
  });
});

describe('updateSharedRead', () => {
  test('a write keeps the shared read it names, updated from its answer; a failed one drops it', async () => {
    const http = client();
    await http.cachedGet('/items');
    emulator.clearRequestLog();
    const update = (cached: unknown, answer: unknown) => [...(cached as Item[]), answer as Item];
    await http.post('/items', { name: 'kept' }, { updateSharedRead: { path: '/items', update } });
    await expect(http.cachedGet<Item[]>('/items')).resolves.toEqual([{ id: 1, name: 'kept' }]);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(0);
    // A failed write keeps nothing: what it changed is unknown.
    emulator.failNext(1, 500);
    await failureOf(http.post('/items', { name: 'failed' }, { updateSharedRead: { path: '/items', update } }));
    await http.cachedGet('/items');
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(1);
  });
});

describe('freshGet', () => {
  test('each caller gets a read that started after it asked; callers arriving during a read share the next one', async () => {
    const http = client();
    await http.post('/items', { name: 'first' });
    emulator.clearRequestLog();
    emulator.setFaults({ latencyMs: 100 });
    const first = http.freshGet<Item[]>('/items');
    await sleep(30); // the first read is on its way
    const created = http.post('/items', { name: 'second' });
    const waiting = Array.from({ length: 5 }, () => http.freshGet<Item[]>('/items'));
    await created;
    const results = await Promise.all([first, ...waiting]);
    emulator.setFaults({});
    expect(results[0]).toHaveLength(1);
    // The five asked while the first read was in flight: one read after it serves them all.
    for (const result of results.slice(1)) expect(result).toHaveLength(2);
    expect(emulator.countRequests({ method: 'GET', path: '/items' })).toBe(2);
    expect(() => results[1].push({ id: 99, name: 'local change' })).toThrow(TypeError);
  });
});

describe('withLock', () => {
  async function append(http: VendorHttpClient, key: string, value: string): Promise<void> {
    const { values } = await http.get<{ values: string[] }>(`/lists/${key}`);
    await http.put(`/lists/${key}`, { values: [...values, value] });
  }

  test('serializes read-modify-write on one key so that 20 concurrent appends all survive', async () => {
    const http = client();
    emulator.setFaults({ latencyMs: 5 });
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);

    await Promise.all(values.map((value) => append(http, 'unlocked', value)));
    const unlocked = await http.get<{ values: string[] }>('/lists/unlocked');
    expect(unlocked.values.length).toBeLessThan(20); // the race the lock exists for

    await Promise.all(values.map((value) => http.withLock('list:locked', () => append(http, 'locked', value))));
    const locked = await http.get<{ values: string[] }>('/lists/locked');
    expect([...locked.values].sort()).toEqual([...values].sort());
  });

  test('runs different keys concurrently, the same key one at a time, and releases on errors', async () => {
    const http = client();
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    let peakOverall = 0;
    const work = (key: string) =>
      http.withLock(key, async () => {
        running.set(key, (running.get(key) ?? 0) + 1);
        peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key)!));
        peakOverall = Math.max(peakOverall, [...running.values()].reduce((a, b) => a + b, 0));
        await sleep(20);
        running.set(key, running.get(key)! - 1);
      });
    await Promise.all([work('a'), work('a'), work('a'), work('b'), work('b'), work('b')]);
    expect(peak.get('a')).toBe(1);
    expect(peak.get('b')).toBe(1);
    expect(peakOverall).toBe(2);

    await expect(http.withLock('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(http.withLock('a', async () => 'free again')).resolves.toBe('free again');
    await expect(http.withLock('a', () => http.withLock('a', async () => 1))).rejects.toThrow(/already holding/);
  });
});

describe('shared reads declared stale by writes elsewhere', () => {
  test('a declared rule drops the reads it names, with the path parameters of the write', async () => {
    const http = client({ sharedReads: [{ after: 'PUT /items/:id', drop: ['/lists/:id'] }] });
    await http.post('/items', { name: 'one' });
    await http.cachedGet('/lists/1');
    await http.cachedGet('/lists/2');
    emulator.clearRequestLog();
    await http.put('/items/1', { name: 'renamed' });
    await http.cachedGet('/lists/1');
    await http.cachedGet('/lists/2');
    expect(emulator.countRequests({ method: 'GET', path: '/lists/1' })).toBe(1); // dropped by the rule
    expect(emulator.countRequests({ method: 'GET', path: '/lists/2' })).toBe(0); // still shared

    // Without the rule the same write leaves /lists/1 stale: the rule is what refreshes it.
    const plain = client();
    await plain.cachedGet('/lists/1');
    emulator.clearRequestLog();
    await plain.put('/items/1', { name: 'again' });
    await plain.cachedGet('/lists/1');
    expect(emulator.countRequests({ method: 'GET', path: '/lists/1' })).toBe(0);
  });
});

describe('explicit "gone"', () => {
  const apiCheck = { path: '/items', hint: 'check testvendor.url.' };

  test('getIfExists: undefined for a missing object once the API check passed, the object otherwise', async () => {
    const http = client({ apiCheck });
    await http.post('/items', { name: 'here' });
    await expect(http.getIfExists('/items/1')).resolves.toEqual({ id: 1, name: 'here' });
    await expect(http.getIfExists('/items/42')).resolves.toBeUndefined();
  });

  test('a wrong base URL is an error naming the setting, never "gone"', async () => {
    const misplaced = client({ apiCheck, baseUrl: `${emulator.url}/no-such-prefix` });
    const gone = await misplaced.getIfExists('/items/1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(gone).toBeInstanceOf(BaseUrlError);
    expect((gone as Error).message).toMatch(/GET \/items returned 404 Not Found[\s\S]*Every testvendor server answers GET \/items, so .*\/no-such-prefix is not the testvendor API: check testvendor.url\./);
    // Any 404 of that client says the same, not just getIfExists.
    await expect(misplaced.put('/items/1', { name: 'x' })).rejects.toBeInstanceOf(BaseUrlError);
  });
});

describe('confirmedWrite', () => {
  const findByName = (http: VendorHttpClient, name: string) => async () => (await http.get<Item[]>('/items')).find((item) => item.name === name);

  test('a create whose answer was lost is found, not sent again', async () => {
    const http = client();
    const created = await http.confirmedWrite(() => http.post<Item>('/items-lost-answer', { name: 'once' }), findByName(http, 'once'));
    expect(created).toEqual({ id: 1, name: 'once' });
    expect(emulator.countRequests({ method: 'POST', path: '/items-lost-answer' })).toBe(1);
    expect(emulator.snapshotState().items).toEqual([{ id: 1, name: 'once' }]);
  });

  test('a create that did not happen is sent again; a 4xx is final', async () => {
    const http = client();
    emulator.failNext(2, 502);
    await expect(http.confirmedWrite(() => http.post<Item>('/items', { name: 'retried' }), findByName(http, 'retried'))).resolves.toMatchObject({ name: 'retried' });
    expect(emulator.countRequests({ method: 'POST', path: '/items' })).toBe(2); // the fault took a POST and a lookup
    await expect(http.confirmedWrite(() => http.post<Item>('/items', { name: 'retried' }), findByName(http, 'retried'))).rejects.toThrow(/400 Bad Request: Item "retried" already exists/);
  });
});

describe('stopping', () => {
  test('once the provider stops, a request waiting to retry ends at once instead of waiting out Retry-After', async () => {
    const stopping = new AbortController();
    const http = client({ signal: stopping.signal, retry: { maxAttempts: 10, budgetMs: 60_000 } });
    emulator.failNext(1000, 429, 5);
    const startedAt = Date.now();
    let settledAt: number | undefined;
    const failure = failureOf(http.get('/items')).finally(() => (settledAt = Date.now()));
    await sleep(1000);
    expect(settledAt).toBeUndefined(); // still waiting for the 5 s Retry-After
    stopping.abort();
    const error = await failure;
    expect(settledAt! - startedAt).toBeLessThan(1500);
    expect(error.message).toBe('testvendor API: GET /items returned 429 Too Many Requests (gave up after 1 attempt; not retried: the provider is stopping)');
  });
});

test('requests carry the User-Agent given', async () => {
  await expect(client({ userAgent: 'terraform-provider-biaccess/0.1.0 terraform/1.11.4' }).get('/agent')).resolves.toEqual({ agent: 'terraform-provider-biaccess/0.1.0 terraform/1.11.4' });
});

describe('sessions (credentials exchanged for a token)', () => {
  const PASSWORD = 'p4ssw0rd-for-the-session';

  /** A login that hands out tokens, and a route that wants one; tokens can be expired. */
  class SessionEmulator extends Emulator<{ tokens: string[]; issued: number }> {
    constructor() {
      super({ name: 'sessions' });
      this.route('POST', '/login', (request) => {
        if (request.body?.password !== PASSWORD) return { status: 401, body: { message: 'Invalid credentials' } };
        const token = `token-${++this.state.issued}-${'z'.repeat(12)}`;
        this.state.tokens.push(token);
        return { status: 200, body: { access_token: token } };
      });
      this.route('GET', '/me', (request) => {
        const token = String(request.headers.authorization ?? '').replace('Bearer ', '');
        return this.state.tokens.includes(token) ? { status: 200, body: { ok: true } } : { status: 401, body: { message: `token ${token} expired` } };
      });
      // Refuses every token, echoing it as careless servers do.
      this.route('GET', '/always-401', (request) => ({ status: 401, body: { message: `token ${String(request.headers.authorization).replace('Bearer ', '')} refused` } }));
    }
    protected initialState() {
      return { tokens: [], issued: 0 };
    }
    expire(): void {
      this.state.tokens = [];
    }
  }

  const server = new SessionEmulator();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  function sessionClient(password: string): VendorHttpClient {
    const created = new VendorHttpClient({
      vendor: 'testvendor',
      baseUrl: server.url,
      secrets: [password],
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      session: {
        async login(http) {
          const answer = await http.post<{ access_token: string }>('/login', new URLSearchParams({ password }), { withoutSession: true });
          return { headers: { Authorization: `Bearer ${answer.access_token}` }, token: answer.access_token };
        },
      },
    });
    clients.push(created);
    return created;
  }

  test('concurrent first requests share one login', async () => {
    server.clearRequestLog();
    const http = sessionClient(PASSWORD);
    await Promise.all(Array.from({ length: 10 }, () => http.get('/me')));
    expect(server.countRequests({ path: '/login' })).toBe(1);
    expect(server.countRequests({ path: '/me', method: 'GET' })).toBe(10);
  });

  test('a token refused with 401 is renewed once and the request sent again; the token never shows in an error', async () => {
    const http = sessionClient(PASSWORD);
    await http.get('/me');
    server.expire();
    server.clearRequestLog();
    await expect(http.get('/me')).resolves.toEqual({ ok: true });
    expect(server.requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual(['GET /me 401', 'POST /login 200', 'GET /me 200']);

    // A token refused again right after a fresh login is an error (no loop), with the token masked.
    const stubborn = sessionClient(PASSWORD);
    const failure = await failureOf(stubborn.get('/always-401'));
    expect(failure.status).toBe(401);
    expect(failure.message).not.toMatch(/token-\d+-z{12}/);
    expect(failure.message).toContain('***');
  });

  test('a refused login is an error naming the login request, without the password, and is tried again by the next request', async () => {
    server.clearRequestLog();
    const http = sessionClient('wrong-password-123');
    const failure = await failureOf(http.get('/me'));
    expect(failure.path).toBe('/login');
    expect(failure.status).toBe(401);
    expect(failure.message).not.toContain('wrong-password-123');
    await failureOf(http.get('/me'));
    expect(server.countRequests({ path: '/login' })).toBe(2);
    expect(server.countRequests({ path: '/me' })).toBe(0);
  });
});
