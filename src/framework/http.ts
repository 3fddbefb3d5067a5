// The HTTP base every vendor client uses: retries with backoff that honour Retry-After and stop
// when the provider is stopped, vendor error messages without secrets, reads shared within the
// process (and dropped by the writes each vendor declares), confirmed writes for requests that
// must not be repeated blindly, an explicit "gone" that a wrong base URL can never fake, and
// per-object locks for read-modify-write.
import http from 'node:http';
import https from 'node:https';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AxiosInstance, AxiosResponse, AxiosStatic } from 'axios';
import { Mutex } from 'async-mutex';
import type { Logger } from './log';
import { silentLogger } from './log';
import {
  BaseUrlError,
  extractVendorMessage,
  htmlSummary,
  Redactor,
  shorten,
  statusText,
  VendorApiError,
  type ErrorMessageParser,
  type HttpMethod,
  type VendorApiErrorDetails,
} from './http-errors';
import { deepFreeze, SharedReads, type InvalidationRule } from './shared-reads';

export { BaseUrlError, VendorApiError, isVendorStatus, vendorMessageOf, type HttpMethod } from './http-errors';
export type { InvalidationRule } from './shared-reads';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface RetryOptions {
  /** Attempts in total, the first included. Default 6. */
  maxAttempts?: number;
  /** Time from the first attempt after which no further wait is started. Default 60000. */
  budgetMs?: number;
  /** Backoff before the second attempt (upper bound of the jitter); doubles each attempt. Default 200. */
  baseDelayMs?: number;
  /** Cap on one backoff (a longer Retry-After is still honoured). Default 10000. */
  maxDelayMs?: number;
}

export interface HttpClientOptions {
  /** Short vendor name shown in messages, e.g. `acme`. */
  vendor: string;
  /** e.g. `http://127.0.0.1:1234`; a path prefix may follow (`https://host/org-slug`). */
  baseUrl: string;
  /** Sent with every request (auth headers etc.); never logged nor put in an error. */
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  /**
   * Values that must never appear in an error message or log line (API keys, tokens, passwords).
   * The basic-auth password (and its encoded header) is added automatically.
   */
  secrets?: string[];
  /** Per attempt. Default 30000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
  /** Once aborted (the provider is stopping), failed requests are no longer retried and reads in flight are cancelled. */
  signal?: AbortSignal;
  userAgent?: string;
  /** The vendor's reading of its JSON error bodies; the common shapes are tried when it returns undefined. */
  errorMessage?: ErrorMessageParser;
  /** Turns a failed request into the vendor's own error (e.g. a 404 that means a refused API key); undefined keeps it. */
  interpretError?(error: VendorApiError): Error | undefined;
  /**
   * A read every correctly configured server answers, with what to check when it fails: before a
   * 404 is believed to mean "this object is gone" (getIfExists), this read must succeed, so a
   * wrong base URL or org is an error instead of an empty state.
   */
  apiCheck?: { path: string; hint: string };
  /** Which writes make which shared reads stale, besides the written path and its parent collections. */
  sharedReads?: InvalidationRule[];
  /**
   * Credentials exchanged for a token instead of fixed headers: `login` runs before the first
   * request and once more when a request is refused with 401 (the token expired or was revoked),
   * and that request is then sent again. Its own requests go out without the session's headers
   * (`withoutSession`). The token it returns is masked like the other secrets.
   */
  session?: { login(client: VendorHttpClient): Promise<Session> };
}

/** What a login yields: the headers that authenticate the following requests, and the token they carry. */
export interface Session {
  headers: Record<string, string>;
  token: string;
}

export interface RequestOptions {
  /** Appended to the path; undefined values are left out. */
  query?: Query;
  /** Sent as JSON; a URLSearchParams is sent as an urlencoded form instead (e.g. a login). */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether the request may be repeated after a 5xx. Default: true for every method but POST,
   * since a POST that creates may have been applied before the 500 (see confirmedWrite).
   * 429 and a refused connection (the request never arrived) are retried regardless; other
   * network errors (reset, timeout) only when the request is idempotent.
   */
  idempotent?: boolean;
  /** Sent without the session's headers (the login request itself). */
  withoutSession?: boolean;
  /**
   * A shared read (cachedGet) that a successful write changes in a way its answer tells, e.g. a
   * list the write adds to: a cached copy is kept with `update` applied instead of being dropped,
   * so the reads that follow see the write without fetching the list again. Changes made by
   * others show when the list is next fetched, as with any shared read.
   */
  updateSharedRead?: { path: string; query?: Query; update(cached: unknown, answer: unknown): unknown };
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 6, budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 10_000 };
const STOPPING = 'not retried: the provider is stopping';

// Network failures worth another attempt. Left out on purpose: ENOTFOUND and TLS errors, which are
// configuration mistakes that retrying only delays.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED', // axios: timeout
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** One attempt's outcome: a response, or a network failure. */
type AttemptOutcome =
  | { kind: 'response'; response: AxiosResponse<string> }
  | { kind: 'network'; message: string; code?: string; retryable: boolean };

export class VendorHttpClient {
  private readonly vendor: string;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly log: Logger;
  private readonly redactor: Redactor;
  private readonly signal: AbortSignal | undefined;
  private readonly errorMessage: ErrorMessageParser | undefined;
  private readonly interpretError: HttpClientOptions['interpretError'];
  private readonly apiCheck: HttpClientOptions['apiCheck'];
  private readonly session: HttpClientOptions['session'];
  /** The current login, shared by concurrent requests; replaced when a 401 shows it expired. */
  private sessionHeaders: Promise<Record<string, string>> | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly axiosConfig: Parameters<AxiosStatic['create']>[0];
  private axiosInstance?: AxiosInstance;
  private readonly shared: SharedReads;
  /** Per read (path and query): the fresh read in flight, and the one queued behind it. */
  private readonly freshReads = new Map<string, { inFlight?: Promise<unknown>; queued?: Promise<unknown> }>();
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();
  /** Keys the current async call chain holds, to fail fast instead of deadlocking on re-entry. */
  private readonly heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(options: HttpClientOptions) {
    this.vendor = options.vendor;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.headers = { ...options.headers };
    if (options.userAgent) this.headers['User-Agent'] = options.userAgent;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
    this.log = options.log ?? silentLogger;
    this.signal = options.signal;
    this.errorMessage = options.errorMessage;
    this.interpretError = options.interpretError;
    this.apiCheck = options.apiCheck;
    this.session = options.session;
    this.shared = new SharedReads(options.sharedReads);
    const secrets = [...(options.secrets ?? [])];
    if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      secrets.push(password, Buffer.from(`${username}:${password}`).toString('base64'));
    }
    this.redactor = new Redactor(secrets);
    this.axiosConfig = {
      timeout: this.timeoutMs,
      auth: options.basicAuth ? { ...options.basicAuth } : undefined,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // Statuses, bodies and redirects are handled here: a silently followed redirect would turn
      // a POST into a GET, and a login-page redirect is better reported than parsed.
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
    };
  }

  /**
   * axios is loaded on the first request, not with the provider: loading it takes ~75 ms of a
   * ~225 ms provider start (measured with `npm run bench`), and Terraform starts the provider
   * 3–5 times per command, mostly for schema and validation calls that make no HTTP request.
   */
  private get axios(): AxiosInstance {
    return (this.axiosInstance ??= loadAxios().create(this.axiosConfig));
  }

  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const target = splitPath(path, options.query);
    let keep: { key: string; update(value: unknown): unknown } | undefined;
    try {
      const answer = (await this.sendInSession(method, target, options)) as T;
      const shared = options.updateSharedRead;
      if (shared) keep = { key: sharedReadKey(splitPath(shared.path, shared.query)), update: (cached) => shared.update(cached, answer) };
      return answer;
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      const interpreted = this.interpretError?.(error);
      if (interpreted) throw interpreted;
      // A wrong base URL answers 404 everywhere (or a page that is not the API): say so, rather
      // than leave a bare "not found" that could be taken for a deleted object.
      if (this.apiCheck && target.path === this.apiCheck.path && (error.isNotFound || (error.status !== undefined && error.status < 400))) {
        throw this.wrongBaseUrl(error);
      }
      if (this.apiCheck && error.isNotFound) await this.apiReachable(error);
      throw error;
    } finally {
      // After the write, also when it failed: a 500 may still have changed the object.
      if (method !== 'GET') this.shared.afterWrite(method, target.path, keep);
    }
  }

  get<T = unknown>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  patch<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * GET whose result is shared within this process: concurrent and later identical reads (same
   * path and query) make one HTTP call, until a write makes it stale. A failed read is not kept.
   * Every caller gets the same deeply frozen value: copy before modifying.
   */
  cachedGet<T = unknown>(path: string, query?: Query): Promise<T> {
    const target = splitPath(path, query);
    return this.shared.get<T>(sharedReadKey(target), target.path, () => this.request('GET', path, { query }));
  }

  /**
   * A GET as fresh as `get` (it starts after this call), shared by the callers that ask for the
   * same read at about the same time: while one is in flight, the callers that arrive wait for it
   * to end and share the next one, which starts after all of them asked. A check before a create
   * (is this name free?) then costs one list read per wave of concurrent creates instead of one
   * each. Every caller gets the same deeply frozen value: copy before modifying.
   */
  freshGet<T = unknown>(path: string, query?: Query): Promise<T> {
    const key = sharedReadKey(splitPath(path, query));
    let slot = this.freshReads.get(key);
    if (!slot) this.freshReads.set(key, (slot = {}));
    const reads = slot;
    const start = (): Promise<unknown> => {
      const read = this.request('GET', path, { query }).then(deepFreeze);
      reads.inFlight = read;
      const done = () => {
        if (reads.inFlight === read) reads.inFlight = undefined;
        if (!reads.inFlight && !reads.queued && this.freshReads.get(key) === reads) this.freshReads.delete(key);
      };
      read.then(done, done);
      return read;
    };
    if (!reads.inFlight) return start() as Promise<T>;
    reads.queued ??= reads.inFlight.then(ignore, ignore).then(() => {
      reads.queued = undefined;
      return start();
    });
    return reads.queued as Promise<T>;
  }

  /**
   * A single object, or undefined when the server says it does not exist. A 404 only gets here
   * once the client's API check (a read every correctly configured server answers) has succeeded
   * (see request), so a wrong base URL or org fails with an error naming the setting instead of
   * making every object look deleted. `shared` reads through cachedGet.
   */
  async getIfExists<T = unknown>(path: string, options: { query?: Query; shared?: boolean } = {}): Promise<T | undefined> {
    if (!this.apiCheck) throw new Error(`${this.vendor} client: no apiCheck is configured, so a 404 cannot be told apart from a wrong base URL`);
    try {
      return options.shared ? await this.cachedGet<T>(path, options.query) : await this.get<T>(path, { query: options.query });
    } catch (error) {
      if (error instanceof VendorApiError && error.isNotFound) return undefined;
      throw error;
    }
  }

  /** Resolves when the API check succeeds (a shared read: once per process); else a BaseUrlError naming `after`, the 404 that raised the question, first. */
  private async apiReachable(after: VendorApiError): Promise<void> {
    try {
      await this.cachedGet(this.apiCheck!.path);
    } catch (failure) {
      if (failure instanceof BaseUrlError) throw new BaseUrlError(`${after.message}\n\n${failure.message}`);
      throw failure;
    }
  }

  /** The API check's own read failed: the base URL does not lead to the vendor's API. */
  private wrongBaseUrl(checkFailure: VendorApiError): BaseUrlError {
    const { path, hint } = this.apiCheck!;
    const where = this.baseUrl.replace(/\/\/[^/@]*@/, '//');
    return new BaseUrlError(`${checkFailure.message}\n\nEvery ${this.vendor} server answers GET ${path}, so ${where} is not the ${this.vendor} API: ${hint}`);
  }

  /**
   * A write that must not be sent twice blindly (a create, an append). After an ambiguous failure
   * (a 5xx, or no response) `applied()` looks at the server: a value means the write took effect
   * and is returned; undefined means it did not, and the write is sent again within the client's
   * retry policy. Other failures are final. This is how creates never duplicate.
   */
  async confirmedWrite<T>(write: () => Promise<T>, applied: () => Promise<T | undefined>): Promise<T> {
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof VendorApiError && error.isAmbiguous)) throw error;
        const result = await applied();
        if (result !== undefined) return result;
        const delayMs = this.backoff(attempt);
        if (attempt >= this.retry.maxAttempts || this.stopping || delayMs > this.retry.budgetMs - (Date.now() - startedAt)) throw error;
        await this.sleep(delayMs);
        if (this.stopping) throw error;
      }
    }
  }

  /**
   * Serializes read-modify-write per vendor object: calls with the same key run one after
   * another, different keys concurrently. Taking a key already held by the same call chain
   * throws instead of deadlocking.
   */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const held = this.heldLocks.getStore();
    if (held?.has(key)) {
      throw new Error(`${this.vendor} client: withLock("${key}") called while already holding that lock (it would deadlock)`);
    }
    let lock = this.locks.get(key);
    if (!lock) {
      lock = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, lock);
    }
    lock.users++;
    try {
      const nowHeld = new Set(held ?? []).add(key);
      return await lock.mutex.runExclusive(() => this.heldLocks.run(nowHeld, fn));
    } finally {
      // Idle locks are dropped so the map does not grow with every object ever touched.
      if (--lock.users === 0) this.locks.delete(key);
    }
  }

  /** Closes the kept-alive sockets; the client may still be used afterwards (new sockets open). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private get stopping(): boolean {
    return this.signal?.aborted === true;
  }

  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
  }

  /** Waits, but no longer once the provider is stopping. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.signal;
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /** Sends with the session's headers; after a 401, logs in again once and sends again (a refused request changed nothing). */
  private async sendInSession(method: HttpMethod, target: RequestTarget, options: RequestOptions): Promise<unknown> {
    if (!this.session || options.withoutSession) return this.send(method, target, options, {});
    const current = this.login();
    const headers = await current;
    try {
      return await this.send(method, target, options, headers);
    } catch (error) {
      if (!(error instanceof VendorApiError && error.status === 401)) throw error;
      this.log.debug(`${this.vendor} API refused the session token; logging in again`, { vendor: this.vendor, method, path: target.path });
      return this.send(method, target, options, await this.login(current));
    }
  }

  /** The session's headers, logging in when there is no session yet or when `stale` is the current one. */
  private login(stale?: Promise<Record<string, string>>): Promise<Record<string, string>> {
    if (this.sessionHeaders === undefined || this.sessionHeaders === stale) {
      const attempt = this.session!.login(this).then(({ headers, token }) => {
        this.redactor.add(token);
        return headers;
      });
      // A failed login is not kept: the next request tries again.
      attempt.catch(() => {
        if (this.sessionHeaders === attempt) this.sessionHeaders = undefined;
      });
      this.sessionHeaders = attempt;
    }
    return this.sessionHeaders;
  }

  private async send(method: HttpMethod, target: RequestTarget, options: RequestOptions, sessionHeaders: Record<string, string>): Promise<unknown> {
    const displayPath = this.displayPath(target);
    const retryServerErrors = options.idempotent ?? method !== 'POST';
    const { data, contentType } = encodeBody(options.body);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...sessionHeaders, ...options.headers };
    if (contentType) headers['Content-Type'] = contentType;
    const url = this.baseUrl + target.path + (target.queryString ? `?${target.queryString}` : '');
    const startedAt = Date.now();

    for (let attempt = 1; ; attempt++) {
      const attemptStartedAt = Date.now();
      const outcome = await this.attempt(method, url, headers, data);
      const durationMs = Date.now() - attemptStartedAt;

      let failure: VendorApiError;
      let retryable: boolean;
      let retryAfterMs: number | undefined;
      if (outcome.kind === 'response') {
        const { response } = outcome;
        this.log.debug(`${this.vendor} API request`, { vendor: this.vendor, method, path: displayPath, status: response.status, attempt, durationMs });
        if (response.status >= 200 && response.status < 300) {
          return this.parseSuccess(response, method, target.path, displayPath);
        }
        failure = this.responseError(response, method, target.path, displayPath);
        retryable = response.status === 429 || (response.status >= 500 && retryServerErrors);
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      } else {
        const message = this.redactor.redact(outcome.message);
        this.log.debug(`${this.vendor} API request failed`, { vendor: this.vendor, method, path: displayPath, error: message, attempt, durationMs });
        failure = this.apiError(`${this.vendor} API: ${method} ${displayPath} failed: ${message}`, { method, path: target.path });
        // A reset or timeout may come after the server applied the request: repeat it only when that is safe.
        retryable = outcome.retryable && (retryServerErrors || outcome.code === 'ECONNREFUSED');
      }

      if (!retryable) throw failure;
      if (this.stopping) throw this.gaveUp(failure, attempt, `; ${STOPPING}`);
      if (attempt >= this.retry.maxAttempts) throw this.gaveUp(failure, attempt, '');
      const delayMs = Math.max(this.backoff(attempt), retryAfterMs ?? 0);
      const remainingMs = this.retry.budgetMs - (Date.now() - startedAt);
      if (delayMs > remainingMs) {
        const reason = `; waiting ${formatSeconds(delayMs)}${retryAfterMs !== undefined ? ' (Retry-After)' : ''} would exceed the ${formatSeconds(this.retry.budgetMs)} retry budget`;
        throw this.gaveUp(failure, attempt, reason);
      }
      this.log.debug(`${this.vendor} API request will be retried`, { vendor: this.vendor, method, path: displayPath, attempt, delayMs: Math.round(delayMs) });
      await this.sleep(delayMs);
      if (this.stopping) throw this.gaveUp(failure, attempt, `; ${STOPPING}`);
    }
  }

  private async attempt(method: HttpMethod, url: string, headers: Record<string, string>, data: string | undefined): Promise<AttemptOutcome> {
    try {
      // A read in flight is cancelled when the provider stops; a write is let finish, so that what
      // it did is known and recorded.
      const signal = method === 'GET' ? this.signal : undefined;
      const response = await this.axios.request<string>({ method, url, headers, data, signal });
      return { kind: 'response', response };
    } catch (error) {
      // Copy out what is needed only: the axios error holds the request config, headers included.
      const axios = loadAxios();
      if (axios.isCancel(error)) return { kind: 'network', message: 'cancelled: the provider is stopping', retryable: false };
      if (axios.isAxiosError(error)) {
        const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
        const message = timedOut && /timeout/i.test(error.message) ? `timed out after ${formatSeconds(this.timeoutMs)}` : networkErrorMessage(error);
        const code = error.code ?? causeCode(error);
        return { kind: 'network', message, code, retryable: code !== undefined && TRANSIENT_NETWORK_CODES.has(code) };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'network', message, retryable: false };
    }
  }

  /** The parsed body of a 2xx response; throws when it is not what an API returns. */
  private parseSuccess(response: AxiosResponse<string>, method: HttpMethod, path: string, displayPath: string): unknown {
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status === 204 || text.trim() === '') return undefined;
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    const unexpected = (vendorMessage: string) =>
      this.apiError(`${this.vendor} API: ${method} ${displayPath} returned ${response.status} ${statusText(response.status, response.statusText)}: ${vendorMessage}`, {
        method,
        path,
        status: response.status,
        vendorMessage,
      });
    if (contentType.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        throw unexpected(`response is not valid JSON: ${this.redactor.redact(shorten(text))}`);
      }
    }
    // A proxy or SSO page answering instead of the API usually means a wrong base URL.
    if (contentType.includes('text/html')) {
      throw unexpected(`expected JSON but got an HTML page (${this.redactor.redact(htmlSummary(text))}); check the base URL`);
    }
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.parse(trimmed);
      } catch {
        // Not JSON after all: hand over the text.
      }
    }
    return text;
  }

  private responseError(response: AxiosResponse<string>, method: HttpMethod, path: string, displayPath: string): VendorApiError {
    const text = typeof response.data === 'string' ? response.data : '';
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    let body: unknown = text === '' ? undefined : text;
    if (text.trim() !== '' && (contentType.includes('json') || /^\s*[[{]/.test(text))) {
      try {
        body = JSON.parse(text);
      } catch {
        // Keep the text.
      }
    }
    let vendorMessage = extractVendorMessage(body, contentType, this.errorMessage);
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers['location'];
      const redirect = typeof location === 'string' && location !== '' ? `redirect to ${location}` : 'redirect';
      vendorMessage = `${redirect}; check the base URL${vendorMessage ? ` (${vendorMessage})` : ''}`;
    }
    vendorMessage = vendorMessage === undefined ? undefined : this.redactor.redact(vendorMessage);
    const reason = statusText(response.status, response.statusText);
    // "500 Internal Server Error: Internal Server Error" says nothing twice.
    const suffix = vendorMessage && vendorMessage.toLowerCase() !== reason.toLowerCase() ? `: ${vendorMessage}` : '';
    return this.apiError(`${this.vendor} API: ${method} ${displayPath} returned ${response.status} ${reason}${suffix}`, {
      method,
      path,
      status: response.status,
      vendorMessage,
    });
  }

  private gaveUp(failure: VendorApiError, attempts: number, reason: string): VendorApiError {
    const plural = attempts === 1 ? 'attempt' : 'attempts';
    return this.apiError(`${failure.message} (gave up after ${attempts} ${plural}${reason})`, {
      method: failure.method,
      path: failure.path,
      status: failure.status,
      vendorMessage: failure.vendorMessage,
    });
  }

  /** The path as shown in messages: with its query string unless that holds a secret. */
  private displayPath(target: RequestTarget): string {
    if (!target.queryString) return this.redactor.redact(target.path);
    const holdsSecret = this.redactor.holdsSecret(target.queryString) || this.redactor.holdsSecret(safeDecode(target.queryString));
    return this.redactor.redact(holdsSecret ? target.path : `${target.path}?${target.queryString}`);
  }

  /** Every error goes through here: one last pass masks any secret that slipped into the message. */
  private apiError(message: string, details: VendorApiErrorDetails): VendorApiError {
    return new VendorApiError(this.redactor.redact(message), details);
  }
}

interface RequestTarget {
  /** Path below the base URL, starting with "/", without query string. */
  path: string;
  /** Encoded query string without "?", possibly empty. */
  queryString: string;
}

/** Splits an optional query already in the path and merges the query object into it. */
function splitPath(rawPath: string, query: Query | undefined): RequestTarget {
  const questionMark = rawPath.indexOf('?');
  const pathOnly = questionMark === -1 ? rawPath : rawPath.slice(0, questionMark);
  const params = new URLSearchParams(questionMark === -1 ? '' : rawPath.slice(questionMark + 1));
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.append(name, String(value));
  }
  params.sort(); // identical reads then share a cache key whatever the argument order
  return { path: pathOnly.startsWith('/') ? pathOnly : `/${pathOnly}`, queryString: params.toString() };
}

function sharedReadKey(target: RequestTarget): string {
  return target.queryString ? `${target.path}?${target.queryString}` : target.path;
}

function encodeBody(body: unknown): { data?: string; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams) return { data: body.toString(), contentType: 'application/x-www-form-urlencoded' };
  return { data: JSON.stringify(body), contentType: 'application/json' };
}

function parseRetryAfter(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkErrorMessage(error: { message?: string; code?: string; cause?: unknown }): string {
  if (error.message) return error.message;
  // Node's happy-eyeballs connect reports an AggregateError with an empty message.
  const cause = error.cause as { message?: string; errors?: Array<{ message?: string }> } | undefined;
  const inner = cause?.errors?.map((item) => item.message).filter(Boolean).join('; ');
  return inner || cause?.message || error.code || 'network error';
}

function causeCode(error: { cause?: unknown }): string | undefined {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function ignore(): void {}

function loadAxios(): AxiosStatic {
  return require('axios') as AxiosStatic;
}
