// The emulator base: routing, request log, faults, persistence and a clean stop.
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Emulator, type EmulatorRequest, type EmulatorResponse } from '../../src/emulator/base';

interface Item {
  id: number;
  name: string;
}

interface ItemsState {
  items: Item[];
  nextId: number;
}

class ItemsEmulator extends Emulator<ItemsState> {
  handlerRuns = 0;

  constructor(stateFile?: string) {
    super({ name: 'items', stateFile });
    this.route('GET', '/items', () => {
      this.handlerRuns++;
      return { status: 200, body: this.state.items };
    });
    this.route('POST', '/items', (request) => {
      this.handlerRuns++;
      const item = { id: this.state.nextId++, name: String(request.body?.name) };
      this.state.items.push(item);
      return { status: 201, body: item };
    });
    this.route('GET', '/items/special', () => ({ status: 200, body: 'the literal route' }));
    this.route('GET', '/items/:id', (request) => {
      const item = this.state.items.find((candidate) => candidate.id === Number(request.params.id));
      return item ? { status: 200, body: item } : { status: 404, body: { message: `no item ${request.params.id}` } };
    });
    this.route('POST', '/echo/:word', async (request) => ({ status: 200, body: { params: request.params, query: request.query.get('q'), body: request.body } }));
    this.route('GET', '/boom', () => {
      throw new Error('handler bug');
    });
    this.route('POST', '/rejected-write', () => {
      this.state.items.push({ id: -1, name: 'should not be persisted' });
      return { status: 400, body: { message: 'no' } };
    });
  }

  protected initialState(): ItemsState {
    return { items: [], nextId: 1 };
  }

  protected authenticate(request: EmulatorRequest): EmulatorResponse | undefined {
    return request.headers['x-deny'] ? { status: 401, body: { message: 'denied' } } : undefined;
  }

  protected notFound(request: EmulatorRequest): EmulatorResponse {
    return { status: 404, body: { message: `no route for ${request.path}` } };
  }
}

async function call(baseUrl: string, method: string, pathAndQuery: string, init: { body?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(baseUrl + pathAndQuery, { method, headers, body: init.body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json');
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text };
}

const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
const jsonInit = (value: unknown) => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Emulator', () => {
  const emulator = new ItemsEmulator();
  let url: string;

  /** Resolves when the emulator has received the next request (it then waits out any latency). */
  function received(): Promise<void> {
    const server = (emulator as unknown as { server: http.Server }).server;
    return new Promise((resolve) => server.once('request', () => resolve()));
  }

  beforeAll(async () => {
    url = await emulator.start();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.clearFaults();
    emulator.clearRequestLog();
    emulator.resetState();
  });

  test('listens on 127.0.0.1 on a free port', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(emulator.url).toBe(url);
  });

  test('routes with :params (literal segments first) and parses JSON, forms and text', async () => {
    await expect(call(url, 'POST', '/echo/h%C3%A9llo?q=1', json({ a: 1 }))).resolves.toMatchObject({ status: 200, body: { params: { word: 'héllo' }, query: '1', body: { a: 1 } } });
    await expect(call(url, 'POST', '/echo/form', { body: 'username=u%40x&password=p+w', contentType: 'application/x-www-form-urlencoded' })).resolves.toMatchObject({
      body: { body: { username: 'u@x', password: 'p w' } },
    });
    await expect(call(url, 'POST', '/echo/text', { body: 'plain', contentType: 'text/plain' })).resolves.toMatchObject({ body: { body: 'plain' } });
    await expect(call(url, 'GET', '/items/special')).resolves.toMatchObject({ status: 200, body: 'the literal route' });
    await expect(call(url, 'GET', '/items/7/')).resolves.toMatchObject({ status: 404, body: { message: 'no item 7' } });
  });

  test('answers bad JSON, unknown routes, wrong methods, rejected auth and handler exceptions', async () => {
    await expect(call(url, 'POST', '/items', { body: '{nope', contentType: 'application/json' })).resolves.toMatchObject({ status: 400, body: { message: 'bad request data' } });
    await expect(call(url, 'GET', '/nothing/here')).resolves.toMatchObject({ status: 404, body: { message: 'no route for /nothing/here' } });
    await expect(call(url, 'DELETE', '/items')).resolves.toMatchObject({ status: 405 });
    await expect(call(url, 'GET', '/items', { headers: { 'x-deny': '1' } })).resolves.toMatchObject({ status: 401, body: { message: 'denied' } });
    await expect(call(url, 'GET', '/boom')).resolves.toMatchObject({ status: 500, body: { message: 'Internal Server Error' } });
  });

  test('logs every request', async () => {
    await call(url, 'POST', '/items', json({ name: 'a' }));
    await call(url, 'GET', '/items?page=2');
    await call(url, 'GET', '/missing');
    expect(emulator.requests.map(({ method, path, query, status, faulted }) => ({ method, path, query, status, faulted }))).toEqual([
      { method: 'POST', path: '/items', query: '', status: 201, faulted: false },
      { method: 'GET', path: '/items', query: 'page=2', status: 200, faulted: false },
      { method: 'GET', path: '/missing', query: '', status: 404, faulted: false },
    ]);
    expect(emulator.requests.every((entry) => Math.abs(entry.at - Date.now()) < 5000)).toBe(true);
    expect(emulator.countRequests({ method: 'get' })).toBe(2);
    expect(emulator.countRequests({ path: /^\/items/ })).toBe(2);
    emulator.clearRequestLog();
    expect(emulator.countRequests()).toBe(0);
  });

  test('failNext answers without running the handler; 429 carries Retry-After', async () => {
    emulator.failNext(1, 429);
    emulator.failNext(1, 503, 7);
    const throttled = await call(url, 'GET', '/items');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    const unavailable = await call(url, 'GET', '/items');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('7');
    expect((await call(url, 'GET', '/items')).status).toBe(200);
    expect(emulator.handlerRuns).toBeGreaterThan(0);
    expect(emulator.countRequests({ faulted: true })).toBe(2);
  });

  test('failureRate with a seed fails the same requests every time', async () => {
    const runOnce = async () => {
      emulator.setFaults({ failureRate: 0.5, failureStatuses: [500, 429], retryAfterSeconds: 2, seed: 42 });
      emulator.clearRequestLog();
      const runsBefore = emulator.handlerRuns;
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await call(url, 'GET', '/items')).status);
      return { statuses, handlerRuns: emulator.handlerRuns - runsBefore };
    };
    const first = await runOnce();
    const second = await runOnce();
    expect(second.statuses).toEqual(first.statuses);
    const failures = first.statuses.filter((status) => status !== 200).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect(new Set(first.statuses)).toEqual(new Set([200, 500, 429]));
    expect(first.handlerRuns).toBe(40 - failures); // a faulted request never reaches the handler
    // Unrouted requests are not faulted.
    emulator.setFaults({ failureRate: 1 });
    expect((await call(url, 'GET', '/unrouted')).status).toBe(404);
  });

  test('latency applies to every request', async () => {
    emulator.setFaults({ latencyMs: 150 });
    const startedAt = Date.now();
    await call(url, 'GET', '/unrouted');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  describe('a request its client gave up on during latency', () => {
    const LATENCY_MS = 150;

    /** Sends a request and, once the emulator has it (and is delaying it), gives up on it. */
    async function abandon(pathName: string, init: RequestInit = {}): Promise<void> {
      const client = new AbortController();
      const arrived = received();
      const request = fetch(url + pathName, { ...init, signal: client.signal });
      await arrived;
      client.abort();
      await expect(request).rejects.toThrow();
    }

    async function abandonedPost(name: string): Promise<void> {
      emulator.setFaults({ latencyMs: LATENCY_MS });
      await abandon('/items', { method: 'POST', ...jsonInit({ name }) });
      emulator.setFaults({});
    }

    test('leaves the next scheduled failure to the next request', async () => {
      await abandonedPost('given-up');
      emulator.failNext(1, 503);
      await sleep(LATENCY_MS + 100); // the abandoned request's latency is over
      expect((await call(url, 'GET', '/items')).status).toBe(503);
      expect((await call(url, 'GET', '/items')).status).toBe(200);
    });

    test('leaves failureRate draws to later requests', async () => {
      const faults = { failureRate: 0.5, seed: 7 };
      const statuses = async () => {
        const seen: number[] = [];
        for (let i = 0; i < 6; i++) seen.push((await call(url, 'GET', '/items')).status);
        return seen;
      };
      emulator.setFaults({ ...faults, latencyMs: LATENCY_MS });
      await abandon('/items');
      // Each of these arrives after the abandoned request and waits out its latency after it.
      const afterAbandoned = await statuses();
      emulator.setFaults(faults);
      const reference = await statuses();
      expect(afterAbandoned).toEqual(reference); // the same seed, the same draws: none went to the abandoned request
    });

    test('does not run its handler and is logged as abandoned', async () => {
      await abandonedPost('given-up');
      await sleep(LATENCY_MS + 100);
      await expect(call(url, 'GET', '/items')).resolves.toMatchObject({ status: 200, body: [] });
      expect(emulator.snapshotState().items).toEqual([]);
      expect(emulator.requests.map(({ method, path, status, faulted, abandoned }) => ({ method, path, status, faulted, abandoned }))).toEqual([
        { method: 'POST', path: '/items', status: 499, faulted: false, abandoned: true },
        { method: 'GET', path: '/items', status: 200, faulted: false, abandoned: undefined },
      ]);
      expect(emulator.countRequests({ abandoned: true })).toBe(1);
      expect(emulator.countRequests({ abandoned: false })).toBe(1);
    });
  });

  describe('a request still waiting when the next test resets the emulator', () => {
    /** Starts a POST that the emulator delays; the caller resets the emulator meanwhile. */
    async function delayedPost(name: string) {
      emulator.setFaults({ latencyMs: 200 });
      const arrived = received();
      const answer = call(url, 'POST', '/items', json({ name }));
      await arrived;
      return { answer };
    }

    test('takes no failure scheduled after clearFaults()', async () => {
      const earlier = await delayedPost('earlier'); // it has arrived and waits out its latency
      emulator.clearFaults();
      emulator.failNext(1, 500);
      expect((await earlier.answer).status).toBe(201);
      expect((await call(url, 'GET', '/items')).status).toBe(500);
    });

    test('does not change the state after resetState() and is not logged after clearRequestLog()', async () => {
      const runsBefore = emulator.handlerRuns;
      const earlier = await delayedPost('earlier');
      emulator.clearFaults();
      emulator.clearRequestLog();
      emulator.resetState();
      expect((await earlier.answer).status).toBe(503);
      expect(emulator.snapshotState().items).toEqual([]);
      expect(emulator.handlerRuns).toBe(runsBefore);
      expect(emulator.requests).toEqual([]);
    });
  });
});

describe('Emulator persistence and lifecycle', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'biaccess-emulator-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  test('state survives a restart through the state file', async () => {
    const stateFile = path.join(directory, 'state.json');
    const first = new ItemsEmulator(stateFile);
    const firstUrl = await first.start();
    await call(firstUrl, 'GET', '/items');
    expect(fs.existsSync(stateFile)).toBe(false); // reads do not write
    await call(firstUrl, 'POST', '/items', json({ name: 'kept' }));
    await call(firstUrl, 'POST', '/rejected-write', json({}));
    await first.stop();
    expect(fs.readdirSync(directory)).toEqual(['state.json']); // no temp file left behind

    const second = new ItemsEmulator(stateFile);
    const secondUrl = await second.start();
    try {
      await expect(call(secondUrl, 'GET', '/items')).resolves.toMatchObject({ body: [{ id: 1, name: 'kept' }] });
      await call(secondUrl, 'POST', '/items', json({ name: 'next' }));
      expect(second.snapshotState().items.map((item) => item.id)).toEqual([1, 2]);
    } finally {
      await second.stop();
    }
  });

  test('a corrupt state file is reported', () => {
    const stateFile = path.join(directory, 'corrupt.json');
    fs.writeFileSync(stateFile, '{ not json');
    expect(() => new ItemsEmulator(stateFile)).toThrow(/cannot load state from .*corrupt\.json/);
  });

  test('stop() closes kept-alive connections promptly and releases the port', async () => {
    const emulator = new ItemsEmulator();
    const url = await emulator.start();
    await call(url, 'GET', '/items'); // fetch keeps this connection alive
    const port = Number(new URL(url).port);
    const startedAt = Date.now();
    await emulator.stop();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(() => emulator.url).toThrow(/not started/);

    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
