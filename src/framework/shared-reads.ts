// Reads shared within one provider process: concurrent and later identical GETs make one HTTP
// call until a write makes them stale. Which writes make which reads stale is declared once per
// vendor (InvalidationRule); the written path itself, what lies below it and its parent
// collections are always dropped.

/**
 * "After this write, these shared reads are stale". `after` is an optional method and a path
 * pattern: `:name` matches one segment, a trailing `/**` matches the path and anything below it
 * (`DELETE /api/groups/:group`, `/api/groups/:group/members/**`). `drop` lists path prefixes of
 * shared reads; `:name` there takes the segment matched in `after` (`/api/data_sources/:ds`).
 */
export interface InvalidationRule {
  after: string;
  drop: string[];
}

interface CompiledRule {
  method?: string;
  segments: string[];
  orBelow: boolean;
  drop: string[];
}

interface CachedRead {
  path: string;
  promise: Promise<unknown>;
}

export class SharedReads {
  private readonly reads = new Map<string, CachedRead>();
  private readonly rules: CompiledRule[];

  constructor(rules: InvalidationRule[] = []) {
    this.rules = rules.map(compileRule);
  }

  /** The shared result of `load` for this key; a failed read is not kept. Every caller gets the same deeply frozen value. */
  get<T>(key: string, path: string, load: () => Promise<unknown>): Promise<T> {
    let entry = this.reads.get(key);
    if (!entry) {
      // Frozen once and shared: a copy per caller cost milliseconds per read in a 1000-object plan.
      const created: CachedRead = { path, promise: load().then(deepFreeze) };
      entry = created;
      this.reads.set(key, created);
      created.promise.catch(() => {
        // Only if a newer read has not replaced it after an invalidation.
        if (this.reads.get(key) === created) this.reads.delete(key);
      });
    }
    return entry.promise as Promise<T>;
  }

  /**
   * Drops the reads a write to `path` made stale: its own, those below it, its parent collections
   * and the declared ones. `keep` names one read the write changed in a known way: a cached copy
   * of it stays, with `update` applied, instead of being dropped.
   */
  afterWrite(method: string, path: string, keep?: { key: string; update(value: unknown): unknown }): void {
    const kept = keep && this.reads.get(keep.key);
    const written = trimTrailingSlash(path);
    this.dropWhere((cached) => cached === written || cached.startsWith(`${written}/`) || written.startsWith(`${cached}/`));
    const segments = splitSegments(written);
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      const params = matchRule(rule, segments);
      if (!params) continue;
      for (const prefix of rule.drop) {
        const resolved = trimTrailingSlash(prefix.replace(/:([A-Za-z_]\w*)/g, (whole, name: string) => params[name] ?? whole));
        this.dropWhere((cached) => cached === resolved || cached.startsWith(`${resolved}/`));
      }
    }
    if (kept && keep) {
      const updated: CachedRead = { path: kept.path, promise: kept.promise.then((value) => deepFreeze(keep.update(value))) };
      this.reads.set(keep.key, updated);
      updated.promise.catch(() => {
        if (this.reads.get(keep.key) === updated) this.reads.delete(keep.key);
      });
    }
  }

  private dropWhere(stale: (cachedPath: string) => boolean): void {
    for (const [key, entry] of this.reads) {
      if (stale(trimTrailingSlash(entry.path))) this.reads.delete(key);
    }
  }
}

function compileRule(rule: InvalidationRule): CompiledRule {
  const match = /^(?:(GET|POST|PUT|PATCH|DELETE)\s+)?(\S+)$/.exec(rule.after.trim());
  if (!match) throw new Error(`invalid invalidation rule "${rule.after}": expected "[METHOD] /path/:param[/**]"`);
  const orBelow = match[2].endsWith('/**');
  return { method: match[1], segments: splitSegments(orBelow ? match[2].slice(0, -3) : match[2]), orBelow, drop: rule.drop };
}

function matchRule(rule: CompiledRule, segments: string[]): Record<string, string> | undefined {
  if (segments.length < rule.segments.length || (!rule.orBelow && segments.length !== rule.segments.length)) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < rule.segments.length; i++) {
    const expected = rule.segments[i];
    if (expected.startsWith(':')) params[expected.slice(1)] = segments[i];
    else if (expected !== segments[i]) return undefined;
  }
  return params;
}

function splitSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** Makes a parsed JSON value immutable, so callers sharing one cached read cannot corrupt it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
