// Errors of vendor API calls, and how their messages are made: the vendor's own explanation
// taken from the body, shortened, with every secret masked.
import http from 'node:http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VendorApiErrorDetails {
  method: HttpMethod;
  /** Request path below the base URL, without the query string. */
  path: string;
  /** Undefined when no response arrived (connection refused, reset, timeout, stopped). */
  status?: number;
  /** The vendor's own explanation extracted from the body, secrets masked. */
  vendorMessage?: string;
}

/**
 * A failed vendor API call. The message names vendor, method, path, status and the vendor's
 * message, e.g. `acme API: POST /api/users returned 400 Bad Request: Email already taken`.
 * It never carries request headers or secrets (deliberately no `cause`: axios errors hold them).
 * A 404 here is only a status: whether an object is gone is decided by the vendor's client
 * (see VendorHttpClient.getIfExists), never by this error alone.
 */
export class VendorApiError extends Error {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number | undefined;
  readonly vendorMessage: string | undefined;

  constructor(message: string, details: VendorApiErrorDetails) {
    super(message);
    this.name = 'VendorApiError';
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.vendorMessage = details.vendorMessage;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** A failure after which a write may or may not have been applied: a 5xx, or no response at all. */
  get isAmbiguous(): boolean {
    return this.status === undefined || this.status >= 500;
  }

  hasStatus(...statuses: number[]): boolean {
    return this.status !== undefined && statuses.includes(this.status);
  }
}

/** The base URL does not lead to the vendor's API (a read every such server answers failed). */
export class BaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaseUrlError';
  }
}

/** True for a VendorApiError with one of the statuses. */
export function isVendorStatus(error: unknown, ...statuses: number[]): error is VendorApiError {
  return error instanceof VendorApiError && error.hasStatus(...statuses);
}

/** The vendor's message of a failed call ('' for other errors), for matching documented error texts. */
export function vendorMessageOf(error: unknown): string {
  return error instanceof VendorApiError ? (error.vendorMessage ?? '') : '';
}

/** A vendor's reading of its JSON error bodies: the explanation, or undefined to use the common shapes. */
export type ErrorMessageParser = (body: unknown) => string | undefined;

const MAX_VENDOR_MESSAGE_LENGTH = 300;

/**
 * The explanation in an error body: a vendor's parser first, then the common shapes
 * `{"message"}`, `{"error": {"message"}}`, `{"error": "..."}` (with an OAuth `error_description`),
 * `{"errors": [...]}`, `{"detail"}`, `{"title"}`; an HTML page's title, or plain text.
 */
export function extractVendorMessage(body: unknown, contentType = '', vendorParser?: ErrorMessageParser): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    const text = contentType.includes('html') || /^\s*<(!doctype|html)/i.test(body) ? htmlSummary(body) : body.replace(/\s+/g, ' ').trim();
    return text === '' ? undefined : shorten(text);
  }
  if (typeof body !== 'object') return shorten(String(body));
  const text = vendorParser?.(body) ?? commonErrorMessage(body as Record<string, unknown>) ?? JSON.stringify(body);
  return text === '{}' || text === '[]' || text.trim() === '' ? undefined : shorten(text);
}

function commonErrorMessage(record: Record<string, unknown>): string | undefined {
  if (nonEmpty(record.message)) return record.message;
  if (record.error !== null && typeof record.error === 'object') {
    const inner = record.error as Record<string, unknown>;
    return [inner.message, inner.httpMessage, inner.detail].find(nonEmpty);
  }
  if (nonEmpty(record.error)) return nonEmpty(record.error_description) ? `${record.error}: ${record.error_description}` : record.error;
  if (Array.isArray(record.errors) && record.errors.length > 0) {
    return record.errors
      .map((item) => (nonEmpty(item) ? item : item && typeof item === 'object' && nonEmpty((item as Record<string, unknown>).message) ? (item as Record<string, string>).message : JSON.stringify(item)))
      .join('; ');
  }
  if (nonEmpty(record.detail)) return record.detail;
  if (nonEmpty(record.title)) return record.title;
  return undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function htmlSummary(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  return shorten(text || 'empty page');
}

export function shorten(text: string): string {
  return text.length > MAX_VENDOR_MESSAGE_LENGTH ? `${text.slice(0, MAX_VENDOR_MESSAGE_LENGTH)}…` : text;
}

export function statusText(status: number, given?: string): string {
  return given || http.STATUS_CODES[status] || '';
}

/** Masks secrets in text: every form in which a secret could show up (raw, URL-encoded, JSON-escaped). */
export class Redactor {
  private fragments: string[] = [];

  constructor(secrets: string[]) {
    for (const secret of secrets) this.add(secret);
  }

  /** Masks one more secret from now on (e.g. a session token obtained by a login). */
  add(secret: string): void {
    if (!secret) return;
    const variants = new Set<string>(this.fragments);
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
    variants.add(JSON.stringify(secret).slice(1, -1));
    // Longest first, so a secret containing another is masked whole.
    this.fragments = [...variants].filter((variant) => variant !== '').sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const fragment of this.fragments) result = result.split(fragment).join('***');
    return result;
  }

  holdsSecret(text: string): boolean {
    return this.fragments.some((fragment) => text.includes(fragment));
  }
}
