// Base of every vendor emulator: a small node:http server with a `:param` router, a request log,
// injectable faults (latency, error statuses, 429 with Retry-After) and optional persistence of
// state to a JSON file. Used by tests and the demo; vendor emulators add routes and state shape.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface EmulatorRequest {
  method: string;
  /** Path without query string, as received (not decoded). */
  path: string;
  query: URLSearchParams;
  /** Values of the route's `:name` segments, decoded. */
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON or urlencoded form (an object of strings); any other body as a string; undefined when empty. */
  body: any;
}

export interface EmulatorResponse {
  status: number;
  /** An object is sent as JSON, a string as text/plain, undefined as an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Raw query string without "?", empty when none. */
  query: string;
  status: number;
  /** Arrival time (ms since the epoch). */
  at: number;
  /** Answered by an injected fault instead of the handler. */
  faulted: boolean;
  /**
   * Set when the client closed the connection before the request was handled (it gave up during
   * injected latency, say): the request took no fault, ran no handler and got no answer, and
   * `status` is 499 (nginx's "client closed request"). Absent on every answered request.
   */
  abandoned?: true;
}

export interface FaultOptions {
  /** Delay before every request is handled (routed or not), as set when the request arrived. */
  latencyMs?: number;
  /** Share (0..1) of routed requests answered with one of failureStatuses without running the handler. */
  failureRate?: number;
  /** Default [500]. */
  failureStatuses?: number[];
  /** Sent as Retry-After with injected 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Makes the choice of failing requests (and their statuses) repeatable. */
  seed?: number;
}

export interface EmulatorOptions {
  /** Shown in debug output, e.g. `redash`. */
  name: string;
  /**
   * JSON file the state is loaded from at construction (when it exists) and written to, atomically,
   * after every successful (2xx) non-GET request.
   */
  stateFile?: string;
}

export interface RequestFilter {
  method?: string;
  /** A string matches the whole path; a RegExp is tested against it. */
  path?: string | RegExp;
  faulted?: boolean;
  abandoned?: boolean;
}

interface Route {
  method: string;
  segments: string[];
  literalCount: number;
  handler: RouteHandler;
}

interface ScheduledFailure {
  status: number;
  retryAfterSeconds?: number;
}

/** nginx's "client closed request": logged, never sent, for a request whose client left before it was handled. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * How many times faults, state and request log were cleared. A request remembers the counts it
 * arrived under, so one still in flight from an earlier test (its client slower than the test)
 * cannot take the next test's faults, change its fresh state or appear in its cleared log.
 */
interface Generations {
  faults: number;
  state: number;
  log: number;
}

/**
 * State lives in `this.state`, whose shape the vendor emulator defines. It must be
 * JSON-serializable (plain objects, arrays, strings, numbers, booleans, null): it is persisted as
 * JSON and `snapshotState()` copies it. `initialState()` is called lazily on first access, so it
 * may use fields the subclass initializes.
 */
export abstract class Emulator<State> {
  readonly name: string;
  readonly requests: RequestLogEntry[] = [];
  private readonly stateFile: string | undefined;
  private readonly routes: Route[] = [];
  private currentState: State | undefined;
  private server: http.Server | undefined;
  private baseUrl: string | undefined;
  private faults: FaultOptions = {};
  private random: () => number = Math.random;
  private readonly scheduledFailures: ScheduledFailure[] = [];
  private readonly generations: Generations = { faults: 0, state: 0, log: 0 };

  constructor(options: EmulatorOptions) {
    this.name = options.name;
    this.stateFile = options.stateFile;
    if (this.stateFile && fs.existsSync(this.stateFile)) {
      try {
        this.currentState = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as State;
      } catch (error) {
        throw new Error(`${this.name} emulator: cannot load state from ${this.stateFile}: ${(error as Error).message}`);
      }
    }
  }

  protected abstract initialState(): State;

  protected get state(): State {
    if (this.currentState === undefined) this.currentState = this.initialState();
    return this.currentState;
  }

  protected set state(value: State) {
    this.currentState = value;
  }

  /** A deep copy of the current state, for assertions. */
  snapshotState(): State {
    return structuredClone(this.state);
  }

  /**
   * Back to `initialState()` (persisted when there is a state file). Requests already received
   * are answered 503 without running their handler: they belong to whoever used the old state.
   */
  resetState(): void {
    this.generations.state++;
    this.currentState = this.initialState();
    this.persist();
  }

  /**
   * Registers a handler for a method and a pattern such as `/api/users/:id`. When several routes
   * match, the one with more literal segments wins (`/api/users/me` before `/api/users/:id`);
   * a trailing slash in the request is ignored.
   */
  protected route(method: string, pattern: string, handler: RouteHandler): void {
    const segments = splitSegments(pattern);
    this.routes.push({ method: method.toUpperCase(), segments, literalCount: segments.filter((s) => !s.startsWith(':')).length, handler });
  }

  /** Vendor auth check run before the handler; return a response to reject the request. */
  protected authenticate?(request: EmulatorRequest): EmulatorResponse | undefined;

  /** Response for an unmatched route (vendor-specific 404 body). */
  protected notFound(_request: EmulatorRequest): EmulatorResponse {
    return this.errorResponse(404, 'Not Found');
  }

  /**
   * The vendor's error body for the responses the base produces itself (bad JSON, method not
   * allowed, handler exceptions, injected faults). Default `{ message }`, as Redash and Grafana.
   */
  protected errorResponse(status: number, message: string): EmulatorResponse {
    return { status, body: { message } };
  }

  /**
   * Listens on 127.0.0.1, on a free port unless one is given (tests always use 0); returns the
   * base URL, e.g. `http://127.0.0.1:41234`.
   */
  async start(port = 0): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        this.debug('request handling failed', error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Closes the server and its connections (idle keep-alive ones included), freeing the port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} emulator is not started`);
    return this.baseUrl;
  }

  countRequests(filter: RequestFilter = {}): number {
    return this.requests.filter((entry) => matchesFilter(entry, filter)).length;
  }

  /** Empties the log; requests already received stay out of it. */
  clearRequestLog(): void {
    this.generations.log++;
    this.requests.length = 0;
  }

  /** Replaces the fault configuration; `setFaults({})` turns faults off. */
  setFaults(options: FaultOptions): void {
    const rate = options.failureRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failureRate must be between 0 and 1, got ${rate}`);
    this.faults = { ...options };
    this.random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  }

  /**
   * The next `count` routed requests answer `status` without running the handler (before any
   * failureRate faults). A 429 carries Retry-After (default 1 s); other statuses only when given.
   */
  failNext(count: number, status: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.scheduledFailures.push({ status, retryAfterSeconds });
  }

  /**
   * Turns off faults and drops failures scheduled with failNext. Requests already received take
   * no fault afterwards, not even one scheduled later: those are for the requests that follow.
   */
  clearFaults(): void {
    this.generations.faults++;
    this.setFaults({});
    this.scheduledFailures.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const arrivedUnder = { ...this.generations };
    const latencyMs = this.faults.latencyMs;
    const connection = watchConnection(res);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const log = (status: number, faulted: boolean, abandoned?: true) => {
      if (arrivedUnder.log !== this.generations.log) return;
      const entry: RequestLogEntry = { method, path: url.pathname, query: url.search.slice(1), status, at: arrivedAt, faulted };
      this.requests.push(abandoned ? { ...entry, abandoned } : entry);
    };

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (!connection.closed) throw error;
      rawBody = '';
    }
    if (latencyMs) await connection.closedOrDelay(latencyMs);
    // A client that gave up (timed out during latency, say) must not take a fault meant for a
    // later request, nor change state behind the back of whoever comes next; nobody reads the answer.
    if (connection.closed) return log(CLIENT_CLOSED_REQUEST, false, true);

    const request: EmulatorRequest = { method, path: url.pathname, query: url.searchParams, params: {}, headers: req.headers, body: undefined };
    const { route, params, pathMatched } = this.match(method, url.pathname);
    request.params = params;

    let response: EmulatorResponse | undefined;
    let faulted = false;
    if (arrivedUnder.state !== this.generations.state) response = this.errorResponse(503, 'emulator state was reset while the request waited');
    const parsed = parseBody(rawBody, req.headers['content-type']);
    if (parsed.ok) request.body = parsed.value;
    else response ??= this.errorResponse(400, 'bad request data');

    if (!response && route && arrivedUnder.faults === this.generations.faults) {
      response = this.takeFault();
      faulted = response !== undefined;
    }
    try {
      response ??= this.authenticate?.(request);
      if (!response) {
        if (route) response = await route.handler(request);
        else if (pathMatched) response = this.errorResponse(405, 'Method Not Allowed');
        else response = this.notFound(request);
      }
    } catch (error) {
      this.debug(`${method} ${url.pathname} handler threw`, error);
      response = this.errorResponse(500, 'Internal Server Error');
    }

    const succeeded = response.status >= 200 && response.status < 300;
    if (succeeded && route && !faulted && method !== 'GET' && method !== 'HEAD') {
      try {
        this.persist(); // before answering, so a client that saw 2xx finds the change on disk
      } catch (error) {
        this.debug('persisting state failed', error);
        response = this.errorResponse(500, 'Internal Server Error');
      }
    }
    log(response.status, faulted);
    send(res, response);
  }

  private match(method: string, requestPath: string): { route?: Route; params: Record<string, string>; pathMatched: boolean } {
    const segments = splitSegments(requestPath);
    let best: { route: Route; params: Record<string, string> } | undefined;
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      if (!best || route.literalCount > best.route.literalCount) best = { route, params };
    }
    return { route: best?.route, params: best?.params ?? {}, pathMatched };
  }

  private takeFault(): EmulatorResponse | undefined {
    let failure = this.scheduledFailures.shift();
    if (!failure) {
      const rate = this.faults.failureRate ?? 0;
      if (rate <= 0 || this.random() >= rate) return undefined;
      const statuses = this.faults.failureStatuses?.length ? this.faults.failureStatuses : [500];
      failure = { status: statuses[Math.floor(this.random() * statuses.length)], retryAfterSeconds: this.faults.retryAfterSeconds };
    }
    const response = this.errorResponse(failure.status, http.STATUS_CODES[failure.status] ?? 'Injected fault');
    const retryAfter = failure.retryAfterSeconds ?? (failure.status === 429 ? 1 : undefined);
    if (retryAfter !== undefined) response.headers = { ...response.headers, 'Retry-After': String(retryAfter) };
    return response;
  }

  /** Writes the state to a temp file and renames it over the state file, so readers never see half a file. */
  protected persist(): void {
    if (!this.stateFile) return;
    const temporary = path.join(path.dirname(this.stateFile), `.${path.basename(this.stateFile)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, JSON.stringify(this.state, null, 2));
    fs.renameSync(temporary, this.stateFile);
  }

  private debug(message: string, error: unknown): void {
    if (process.env.BIACCESS_EMULATOR_DEBUG) {
      process.stderr.write(`[${this.name} emulator] ${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
}

function splitSegments(pathname: string): string[] {
  return pathname.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i];
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return undefined;
      }
    } else if (expected !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

function matchesFilter(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.faulted !== undefined && entry.faulted !== filter.faulted) return false;
  if (filter.abandoned !== undefined && (entry.abandoned === true) !== filter.abandoned) return false;
  if (typeof filter.path === 'string' && entry.path !== filter.path) return false;
  if (filter.path instanceof RegExp && !filter.path.test(entry.path)) return false;
  return true;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => reject(new Error('connection closed before the whole body arrived'))); // no-op after 'end'
  });
}

function parseBody(raw: string, contentType: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (raw === '') return { ok: true, value: undefined };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      return { ok: true, value: JSON.parse(raw) };
    } catch {
      return { ok: false };
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  return { ok: true, value: raw };
}

function send(res: http.ServerResponse, response: EmulatorResponse): void {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (typeof response.body === 'string') {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = response.body;
  } else if (response.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(response.body);
  }
  Object.assign(headers, response.headers);
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** mulberry32: small, fast and good enough to pick which requests fail. */
function seededRandom(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether the client closed the connection before the response was sent. */
function watchConnection(res: http.ServerResponse): { readonly closed: boolean; closedOrDelay(ms: number): Promise<void> } {
  let closed = false;
  const onClose = () => {
    if (!res.writableEnded) closed = true;
  };
  res.once('close', onClose);
  return {
    get closed() {
      return closed || res.destroyed;
    },
    closedOrDelay(ms) {
      return new Promise((resolve) => {
        if (closed) return resolve();
        const done = () => {
          clearTimeout(timer);
          res.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        res.once('close', done);
      });
    },
  };
}
