// Typed Grafana API calls shared by the resources and data sources, plus the rules every
// Grafana handler follows: server-admin checks, org context, create-once, caching of list reads.
import { AttributeError } from '../../framework/definitions';
import type { Logger } from '../../framework/log';
import { VendorApiError, VendorHttpClient, type Query } from '../../framework/http';
import { ExactNumber, isUnknown, type CtyValue } from '../../protocol/values';

export interface GrafanaConnectionSettings {
  baseUrl: string;
  /** `user:password` (basic auth) or a service-account token. */
  auth: string;
  orgId?: number;
  log: Logger;
}

export interface GrafanaClient {
  /** Acts in the provider's org: `org_id` when set, else the credentials' current org. */
  http: VendorHttpClient;
  /** Basic auth can act as server admin; a token never can. */
  authKind: 'basic' | 'token';
  /** The provider block's org_id (X-Grafana-Org-Id on every request), when set. */
  orgId?: number;
  /** A client acting in another org (its own X-Grafana-Org-Id), made once per org. */
  httpInOrg(orgId: number): VendorHttpClient;
}

export function createGrafanaClient(settings: GrafanaConnectionSettings): GrafanaClient {
  // "user:password" is basic auth; service-account tokens (glsa_…) never contain a colon.
  const colon = settings.auth.indexOf(':');
  const basic = colon > 0 ? { username: settings.auth.slice(0, colon), password: settings.auth.slice(colon + 1) } : undefined;
  const make = (orgId: number | undefined) => {
    const headers: Record<string, string> = basic ? {} : { Authorization: `Bearer ${settings.auth}` };
    if (orgId !== undefined) headers['X-Grafana-Org-Id'] = String(orgId);
    return new VendorHttpClient({
      vendor: 'grafana',
      baseUrl: settings.baseUrl,
      headers,
      basicAuth: basic,
      secrets: basic ? [settings.auth, basic.password] : [settings.auth],
      log: settings.log,
    });
  };
  const http = make(settings.orgId);
  const byOrg = new Map<number, VendorHttpClient>();
  if (settings.orgId !== undefined) byOrg.set(settings.orgId, http);
  return {
    http,
    authKind: basic ? 'basic' : 'token',
    orgId: settings.orgId,
    httpInOrg(orgId) {
      let client = byOrg.get(orgId);
      if (!client) {
        client = make(orgId);
        byOrg.set(orgId, client);
      }
      return client;
    },
  };
}

// -------------------------------------------------------------------------------------------------
// Values from Terraform

/** A configured value, or undefined when unset or not yet known. */
export function known<T extends CtyValue>(value: T | null | undefined): Exclude<T, null> | undefined {
  return value === null || value === undefined || isUnknown(value) ? undefined : (value as Exclude<T, null>);
}

/** A whole number from a cty number (plain or exact) or a numeric string. */
export function toInteger(value: CtyValue | undefined, attribute: string): number {
  const number = value instanceof ExactNumber ? Number(value.text) : typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new AttributeError(attribute, `"${attribute}" must be a whole number, got ${String(value)}`);
  return number;
}

// -------------------------------------------------------------------------------------------------
// Rules

/** Global user management needs a Grafana server admin, which a service-account token never is. */
export function requireServerAdmin(client: GrafanaClient, typeName: string, why = 'manages global Grafana users'): void {
  if (client.authKind === 'basic') return;
  throw new Error(
    `${typeName} ${why}, which needs Grafana server-admin rights: set grafana.auth (or GRAFANA_AUTH) to "user:password" of a Grafana server admin. ` +
      'A service-account token is bound to one org and can never act as server admin.',
  );
}

export function isVendorStatus(error: unknown, ...statuses: number[]): error is VendorApiError {
  return error instanceof VendorApiError && error.status !== undefined && statuses.includes(error.status);
}

/** A failure after which the request may or may not have been applied: a 5xx or no response at all. */
export function mayHaveBeenApplied(error: unknown): boolean {
  return error instanceof VendorApiError && (error.status === undefined || error.status >= 500);
}

/** The vendor's message of a failed call, for matching documented error texts. */
export function vendorMessage(error: unknown): string {
  return error instanceof VendorApiError ? (error.vendorMessage ?? '') : '';
}

/**
 * Creates through a non-idempotent POST without ever making two objects. A POST that failed with
 * a 5xx or without a response may still have been applied, so before trying again the object is
 * looked up by its natural key; found means that attempt created it.
 */
export async function createOnce<T>(options: {
  attempt: () => Promise<T>;
  findExisting: () => Promise<T | undefined>;
  maxAttempts?: number;
}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.attempt();
    } catch (error) {
      if (!mayHaveBeenApplied(error)) throw error;
      const existing = await options.findExisting();
      if (existing !== undefined) return existing;
      if (attempt >= maxAttempts) throw error;
      await sleep(Math.random() * 250 * 2 ** attempt);
    }
  }
}

/** Runs `undo` (best effort) when `fn` fails, then rethrows: nothing half-made is left behind. */
export async function undoOnFailure<T>(fn: () => Promise<T>, undo: () => Promise<unknown>, log?: Logger): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    try {
      await undo();
    } catch (undoError) {
      log?.warn('could not undo a partly applied Grafana change', { error: undoError instanceof Error ? undoError.message : String(undoError) });
    }
    throw error;
  }
}

/** A DELETE (or removal) whose target may already be gone: 404 counts as done. */
export async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!isVendorStatus(error, 404)) throw error;
  }
}

// -------------------------------------------------------------------------------------------------
// Org context

/** The org the provider acts in: its org_id, or the credentials' current org. */
export async function currentOrgId(client: GrafanaClient): Promise<number> {
  if (client.orgId !== undefined) return client.orgId;
  const org = await client.http.cachedGet<{ id: number }>('/api/org');
  return org.id;
}

/** A client acting in `orgId`; a token can only act in its own org. */
export async function httpForOrg(client: GrafanaClient, orgId: number): Promise<VendorHttpClient> {
  const current = await currentOrgId(client);
  if (orgId === current) return client.http;
  if (client.authKind === 'token') {
    throw new AttributeError(
      'org_id',
      `org_id ${orgId} cannot be reached with a service-account token, which acts in its own org (${current}) only. ` +
        `Use a token of org ${orgId}, or basic auth (grafana.auth = "user:password") of a user who belongs to org ${orgId}.`,
    );
  }
  return client.httpInOrg(orgId);
}

// -------------------------------------------------------------------------------------------------
// Paged list reads (shared within a provider process through cachedGet)

const PAGE_SIZE = 1000;

/** Reads every page of a `{totalCount, <key>: [...]}` search; each page is a cached read. */
export async function allPages<T>(http: VendorHttpClient, path: string, key: string, query: Query = {}): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const result = await http.cachedGet<Record<string, unknown>>(path, { ...query, perpage: PAGE_SIZE, page });
    const batch = (Array.isArray(result[key]) ? result[key] : []) as T[];
    items.push(...batch);
    const total = typeof result.totalCount === 'number' ? result.totalCount : items.length;
    if (batch.length === 0 || items.length >= total || batch.length < PAGE_SIZE) return items;
  }
}

// -------------------------------------------------------------------------------------------------
// Users (§2.3, server admin)

export interface UserSearchHit {
  id: number;
  uid?: string;
  name: string;
  login: string;
  email: string;
  isAdmin: boolean;
}

export interface UserProfile {
  id: number;
  uid?: string;
  name: string;
  login: string;
  email: string;
  isGrafanaAdmin: boolean;
}

export function listUsers(client: GrafanaClient): Promise<UserSearchHit[]> {
  return allPages<UserSearchHit>(client.http, '/api/users/search', 'users');
}

export async function getUser(client: GrafanaClient, id: number): Promise<UserProfile | undefined> {
  try {
    return await client.http.get<UserProfile>(`/api/users/${id}`);
  } catch (error) {
    if (isVendorStatus(error, 404)) return undefined;
    throw error;
  }
}

/** By login or email (case-insensitive in current Grafana); fresh, not cached. */
export async function lookupUser(client: GrafanaClient, loginOrEmail: string): Promise<UserProfile | undefined> {
  try {
    return await client.http.get<UserProfile>('/api/users/lookup', { query: { loginOrEmail } });
  } catch (error) {
    if (isVendorStatus(error, 404)) return undefined;
    throw error;
  }
}

/** Drops every cached user read (user writes change the search list and org/team lists). */
export function forgetUsers(client: GrafanaClient): void {
  client.http.invalidate('/api/users');
}

// -------------------------------------------------------------------------------------------------
// Teams (§2.5)

export interface TeamDto {
  id: number;
  uid?: string;
  orgId: number;
  name: string;
  email: string;
}

export interface TeamMemberDto {
  teamId: number;
  userId: number;
  login: string;
  email: string;
  permission: number;
}

export function listTeams(http: VendorHttpClient): Promise<TeamDto[]> {
  return allPages<TeamDto>(http, '/api/teams/search', 'teams');
}

/** Exact name match, fresh (for duplicate checks). */
export async function findTeamByName(http: VendorHttpClient, name: string): Promise<TeamDto | undefined> {
  const result = await http.get<{ teams?: TeamDto[] }>('/api/teams/search', { query: { name, perpage: PAGE_SIZE } });
  // `name` is an exact filter in current Grafana; older versions only had the substring `query`.
  return (result.teams ?? []).find((team) => team.name === name);
}

/** The team search list and the team itself are cached apart from team writes' own paths. */
export function forgetTeams(http: VendorHttpClient): void {
  http.invalidate('/api/teams');
}

// -------------------------------------------------------------------------------------------------
// Dashboards, folders, data sources (lookups)

export interface DashboardLookup {
  dashboard: { id: number; uid: string; title: string };
  meta: { folderUid?: string; folderId?: number; folderTitle?: string };
}

export interface FolderDto {
  id: number;
  uid: string;
  title: string;
  parentUid?: string;
}

export interface SearchHit {
  id: number;
  uid: string;
  title: string;
  type: string;
  folderUid?: string;
}

export interface DataSourceDto {
  id: number;
  uid: string;
  name: string;
  type: string;
}

export async function getOrUndefined<T>(http: VendorHttpClient, path: string): Promise<T | undefined> {
  try {
    return await http.get<T>(path);
  } catch (error) {
    if (isVendorStatus(error, 404)) return undefined;
    throw error;
  }
}

export function searchByTitle(http: VendorHttpClient, type: 'dash-db' | 'dash-folder', title: string): Promise<SearchHit[]> {
  return http.get<SearchHit[]>('/api/search', { query: { type, query: title, limit: 5000 } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
