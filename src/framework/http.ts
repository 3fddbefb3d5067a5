// The HTTP base every vendor client uses: retries with backoff, vendor error messages without
// secrets, shared cached reads, and per-object locks for read-modify-write.
import http from 'node:http';
import https from 'node:https';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AxiosInstance, AxiosResponse, AxiosStatic } from 'axios';
import { Mutex } from 'async-mutex';
import type { Logger } from './log';
import { silentLogger } from './log';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  /** Short vendor name shown in messages, e.g. `redash`. */
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
}

export interface RequestOptions {
  /** Appended to the path; undefined values are left out. */
  query?: Query;
  /** Sent as JSON; a URLSearchParams is sent as an urlencoded form instead (e.g. a login). */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether the request may be repeated after a 5xx. Default: true for every method but POST,
   * since a POST that creates may have been applied before the 500 (the resource handler decides).
   * 429 and a refused connection (the request never arrived) are retried regardless; other
   * network errors (reset, timeout) only when the request is idempotent.
   */
  idempotent?: boolean;
}

export interface VendorApiErrorDetails {
  vendor: string;
  method: HttpMethod;
  /** Request path below the base URL, without the query string. */
  path: string;
  /** Undefined when no response arrived (connection refused, reset, timeout). */
  status?: number;
  /** The vendor's own explanation extracted from the body, secrets masked. */
  vendorMessage?: string;
  /** The parsed response body with secrets masked (e.g. Sisense's `moreInfo.existingGroups`). */
  responseBody?: unknown;
  /** Node's error code for network errors, e.g. `ECONNREFUSED`. */
  code?: string;
  /** How many attempts were made before this error was thrown. */
  attempts: number;
}

/**
 * A failed vendor API call. The message names vendor, method, path, status and the vendor's
 * message, e.g. `redash API: POST /api/users returned 400 Bad Request: Email already taken`.
 * It never carries request headers or secrets (deliberately no `cause`: axios errors hold them).
 */
export class VendorApiError extends Error {
  readonly vendor: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number | undefined;
  readonly vendorMessage: string | undefined;
  readonly responseBody: unknown;
  readonly code: string | undefined;
  readonly attempts: number;

  constructor(message: string, details: VendorApiErrorDetails) {
    super(message);
    this.name = 'VendorApiError';
    this.vendor = details.vendor;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.vendorMessage = details.vendorMessage;
    this.responseBody = details.responseBody;
    this.code = details.code;
    this.attempts = details.attempts;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 6, budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 10_000 };
const MAX_VENDOR_MESSAGE_LENGTH = 300;

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

interface CachedRead {
  path: string;
  promise: Promise<unknown>;
}

export class VendorHttpClient {
  private readonly vendor: string;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly log: Logger;
  private readonly redact: (text: string) => string;
  private readonly secretFragments: string[];
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly axiosConfig: Parameters<AxiosStatic['create']>[0];
  private axiosInstance?: AxiosInstance;
  private readonly cachedReads = new Map<string, CachedRead>();
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();
  /** Keys the current async call chain holds, to fail fast instead of deadlocking on re-entry. */
  private readonly heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(options: HttpClientOptions) {
    this.vendor = options.vendor;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.headers = { ...options.headers };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
    this.log = options.log ?? silentLogger;
    const secrets = [...(options.secrets ?? [])];
    if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      secrets.push(password, Buffer.from(`${username}:${password}`).toString('base64'));
    }
    this.secretFragments = secretVariants(secrets);
    this.redact = (text) => {
      let result = text;
      for (const fragment of this.secretFragments) result = result.split(fragment).join('***');
      return result;
    };
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
    try {
      return (await this.send(method, target, options)) as T;
    } finally {
      // After the write, also when it failed: a 500 may still have changed the object.
      if (method !== 'GET') this.invalidateAfterWrite(target.path);
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
   * path and query) make one HTTP call, until a write invalidates it. A failed read is not kept.
   * Every caller gets the same deeply frozen value: copy before modifying.
   */
  async cachedGet<T = unknown>(path: string, query?: Query): Promise<T> {
    const target = splitPath(path, query);
    const key = target.queryString ? `${target.path}?${target.queryString}` : target.path;
    let entry = this.cachedReads.get(key);
    if (!entry) {
      // Frozen once and shared: a copy per caller cost milliseconds per read in a 1000-object plan.
      const created: CachedRead = { path: target.path, promise: this.send('GET', target, {}).then(deepFreeze) };
      entry = created;
      this.cachedReads.set(key, created);
      created.promise.catch(() => {
        // Only if a newer read has not replaced it after an invalidation.
        if (this.cachedReads.get(key) === created) this.cachedReads.delete(key);
      });
    }
    return (await entry.promise) as T;
  }

  /**
   * Drops cached reads whose path starts with the prefix (all when omitted). Every non-GET request
   * through this client already drops the reads of its own path (and below) and of its parent
   * collections (POST /api/users/5 drops /api/users/5 and /api/users); call this for writes that
   * change other objects too (e.g. a Redash group-member POST changes the user).
   */
  invalidate(pathPrefix?: string): void {
    for (const [key, entry] of this.cachedReads) {
      if (pathPrefix === undefined || entry.path.startsWith(pathPrefix)) this.cachedReads.delete(key);
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

  private async send(method: HttpMethod, target: RequestTarget, options: RequestOptions): Promise<unknown> {
    const displayPath = this.displayPath(target);
    const retryServerErrors = options.idempotent ?? method !== 'POST';
    const { data, contentType } = encodeBody(options.body);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...options.headers };
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
          return this.parseSuccess(response, method, target.path, displayPath, attempt);
        }
        failure = this.responseError(response, method, target.path, displayPath, attempt);
        retryable = response.status === 429 || (response.status >= 500 && retryServerErrors);
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      } else {
        const message = this.redact(outcome.message);
        this.log.debug(`${this.vendor} API request failed`, { vendor: this.vendor, method, path: displayPath, error: message, attempt, durationMs });
        failure = this.apiError(`${this.vendor} API: ${method} ${displayPath} failed: ${message}`, {
          vendor: this.vendor,
          method,
          path: target.path,
          code: outcome.code,
          attempts: attempt,
        });
        // A reset or timeout may come after the server applied the request: repeat it only when that is safe.
        retryable = outcome.retryable && (retryServerErrors || outcome.code === 'ECONNREFUSED');
      }

      if (!retryable) throw failure;
      if (attempt >= this.retry.maxAttempts) {
        throw this.gaveUp(failure, attempt, '');
      }
      const backoffMs = Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.max(backoffMs, retryAfterMs ?? 0);
      const remainingMs = this.retry.budgetMs - (Date.now() - startedAt);
      if (delayMs > remainingMs) {
        const reason = `; waiting ${formatSeconds(delayMs)}${retryAfterMs !== undefined ? ' (Retry-After)' : ''} would exceed the ${formatSeconds(this.retry.budgetMs)} retry budget`;
        throw this.gaveUp(failure, attempt, reason);
      }
      this.log.debug(`${this.vendor} API request will be retried`, { vendor: this.vendor, method, path: displayPath, attempt, delayMs: Math.round(delayMs) });
      await sleep(delayMs);
    }
  }

  private async attempt(method: HttpMethod, url: string, headers: Record<string, string>, data: string | undefined): Promise<AttemptOutcome> {
    try {
      const response = await this.axios.request<string>({ method, url, headers, data });
      return { kind: 'response', response };
    } catch (error) {
      // Copy out what is needed only: the axios error holds the request config, headers included.
      if (loadAxios().isAxiosError(error)) {
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
  private parseSuccess(response: AxiosResponse<string>, method: HttpMethod, path: string, displayPath: string, attempt: number): unknown {
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status === 204 || text.trim() === '') return undefined;
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    const unexpected = (vendorMessage: string) =>
      this.apiError(`${this.vendor} API: ${method} ${displayPath} returned ${response.status} ${statusText(response)}: ${vendorMessage}`, {
        vendor: this.vendor,
        method,
        path,
        status: response.status,
        vendorMessage,
        attempts: attempt,
      });
    if (contentType.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        throw unexpected(`response is not valid JSON: ${this.redact(shorten(text))}`);
      }
    }
    // A proxy or SSO page answering instead of the API usually means a wrong base URL.
    if (contentType.includes('text/html')) {
      throw unexpected(`expected JSON but got an HTML page (${this.redact(htmlSummary(text))}); check the base URL`);
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

  private responseError(response: AxiosResponse<string>, method: HttpMethod, path: string, displayPath: string, attempt: number): VendorApiError {
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
    let vendorMessage = extractVendorMessage(body, contentType);
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers['location'];
      const redirect = typeof location === 'string' && location !== '' ? `redirect to ${location}` : 'redirect';
      vendorMessage = `${redirect}; check the base URL${vendorMessage ? ` (${vendorMessage})` : ''}`;
    }
    vendorMessage = vendorMessage === undefined ? undefined : this.redact(vendorMessage);
    const reason = statusText(response);
    // "500 Internal Server Error: Internal Server Error" says nothing twice.
    const suffix = vendorMessage && vendorMessage.toLowerCase() !== reason.toLowerCase() ? `: ${vendorMessage}` : '';
    return this.apiError(`${this.vendor} API: ${method} ${displayPath} returned ${response.status} ${reason}${suffix}`, {
      vendor: this.vendor,
      method,
      path,
      status: response.status,
      vendorMessage,
      responseBody: this.redactDeep(body),
      attempts: attempt,
    });
  }

  private gaveUp(failure: VendorApiError, attempts: number, reason: string): VendorApiError {
    const plural = attempts === 1 ? 'attempt' : 'attempts';
    return this.apiError(`${failure.message} (gave up after ${attempts} ${plural}${reason})`, {
      vendor: failure.vendor,
      method: failure.method,
      path: failure.path,
      status: failure.status,
      vendorMessage: failure.vendorMessage,
      responseBody: failure.responseBody,
      code: failure.code,
      attempts,
    });
  }

  /** The path as shown in messages: with its query string unless that holds a secret. */
  private displayPath(target: RequestTarget): string {
    if (!target.queryString) return this.redact(target.path);
    const decoded = safeDecode(target.queryString);
    const holdsSecret = this.secretFragments.some((fragment) => target.queryString.includes(fragment) || decoded.includes(fragment));
    return this.redact(holdsSecret ? target.path : `${target.path}?${target.queryString}`);
  }

  /** Every error goes through here: one last pass masks any secret that slipped into the message. */
  private apiError(message: string, details: VendorApiErrorDetails): VendorApiError {
    return new VendorApiError(this.redact(message), details);
  }

  private redactDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.redactDeep(item)]));
    }
    return value;
  }

  private invalidateAfterWrite(writtenPath: string): void {
    const path = trimTrailingSlash(writtenPath);
    for (const [key, entry] of this.cachedReads) {
      const cached = trimTrailingSlash(entry.path);
      const sameOrBelow = cached === path || cached.startsWith(`${path}/`);
      const parentCollection = path.startsWith(`${cached}/`);
      if (sameOrBelow || parentCollection) this.cachedReads.delete(key);
    }
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

function encodeBody(body: unknown): { data?: string; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams) return { data: body.toString(), contentType: 'application/x-www-form-urlencoded' };
  return { data: JSON.stringify(body), contentType: 'application/json' };
}

/**
 * The vendor's explanation in an error body: `{"message"}` (Redash, Grafana, unwrapped Sisense),
 * `{"error": {"message"}}` (Sisense v1), `{"error": "..."}`, `{"errors": [...]}`, or plain text.
 */
export function extractVendorMessage(body: unknown, contentType = ''): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    const text = contentType.includes('html') || /^\s*<(!doctype|html)/i.test(body) ? htmlSummary(body) : body.replace(/\s+/g, ' ').trim();
    return text === '' ? undefined : shorten(text);
  }
  if (typeof body !== 'object') return shorten(String(body));
  const record = body as Record<string, unknown>;
  const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
  let message: string | undefined;
  if (nonEmpty(record.message)) {
    message = record.message;
    // Grafana adds the internal cause as "error" outside production mode.
    if (nonEmpty(record.error) && record.error !== record.message) message += ` (${record.error})`;
  } else if (record.error !== null && typeof record.error === 'object') {
    const inner = record.error as Record<string, unknown>;
    message = [inner.message, inner.httpMessage, inner.detail].find(nonEmpty);
  } else if (nonEmpty(record.error)) {
    message = nonEmpty(record.error_description) ? `${record.error}: ${record.error_description}` : record.error;
  } else if (Array.isArray(record.errors) && record.errors.length > 0) {
    const parts = record.errors.map((item) => (nonEmpty(item) ? item : item && typeof item === 'object' && nonEmpty((item as Record<string, unknown>).message) ? (item as Record<string, string>).message : JSON.stringify(item)));
    message = parts.join('; ');
  } else if (nonEmpty(record.detail)) {
    message = record.detail;
  } else if (nonEmpty(record.title)) {
    message = record.title;
  }
  const text = message ?? JSON.stringify(body);
  return text === '{}' || text === '[]' ? undefined : shorten(text);
}

/** Every form in which a secret could show up in a message: raw, URL-encoded, JSON-escaped. */
function secretVariants(secrets: string[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret containing another is masked whole.
  return [...variants].filter((variant) => variant !== '').sort((a, b) => b.length - a.length);
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

function statusText(response: AxiosResponse): string {
  return response.statusText || http.STATUS_CODES[response.status] || '';
}

function htmlSummary(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  return shorten(text || 'empty page');
}

function shorten(text: string): string {
  return text.length > MAX_VENDOR_MESSAGE_LENGTH ? `${text.slice(0, MAX_VENDOR_MESSAGE_LENGTH)}…` : text;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Makes a parsed JSON value immutable, so callers sharing one cached read cannot corrupt it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

function loadAxios(): AxiosStatic {
  return require('axios') as AxiosStatic;
}
