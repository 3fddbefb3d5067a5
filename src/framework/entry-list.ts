// Changing one entry of a list the vendor keeps on one object (a user's groups, a dashboard's
// shares, a role's permission list), without losing or duplicating the entries others write:
// under the object's lock, a fresh read, de-duplication by key, the write, then an optional
// post-write step (e.g. a publish). Changes to one object that arrive together (Terraform applies
// up to ten resources at once) are batched: one read, one write and one post-write step for all.

export interface EntryListSpec<Entry> {
  /** The lock of the object; other writers of the same object take the same key. */
  lockKey(objectId: string): string;
  /** The list as the vendor has it now (never a shared read); undefined when the object itself is gone. */
  read(objectId: string): Promise<readonly Entry[] | undefined>;
  /** Identity of an entry: entries with one key are one entry (extra copies are removed on write). */
  key(entry: Entry): string;
  /** Whether an entry already is the one wanted. Default: the same JSON. */
  equal?(a: Entry, b: Entry): boolean;
  /** A list the vendor writes whole: one write of the wanted list. */
  writeAll?(objectId: string, entries: Entry[]): Promise<void>;
  /** A list the vendor writes an entry at a time: add one entry. */
  addEntry?(objectId: string, entry: Entry): Promise<void>;
  /** Remove one present entry (called once per copy). */
  removeEntry?(objectId: string, entry: Entry): Promise<void>;
  /** Change the one present copy of an entry into the wanted one. Default: remove, then add. */
  replaceEntry?(objectId: string, present: Entry, wanted: Entry): Promise<void>;
  /** After the list was changed, e.g. publish the object so that the change takes effect. */
  afterWrite?(objectId: string): Promise<void>;
}

/** What serializes writers of one object: VendorHttpClient.withLock. */
export interface Locks {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

interface PendingChange<Entry> {
  /** The wanted entry for the key; undefined removes it. */
  entry: Entry | undefined;
  waiters: Array<{ resolve(applied: boolean): void; reject(error: unknown): void }>;
}

interface Batch<Entry> {
  changes: Map<string, PendingChange<Entry>>;
  /** When the latest change arrived (ms). */
  lastChangeAt: number;
}

export interface BatchTiming {
  /** A batch is written once no further change to its object arrived for this long… */
  quietMs: number;
  /** …or this long after its first change at the latest. */
  maxWaitMs: number;
}

/**
 * Terraform hands the provider up to ten changes at once, but not in the same millisecond: a
 * short quiet period gathers them (measured with 20 grants on one object of a vendor that writes
 * the whole list: a fixed 15 ms window made 6 list writes on destroy, a 25 ms quiet period 2).
 * 50 ms leaves room for a loaded machine, at a cost of 50 ms per batch.
 */
const DEFAULT_TIMING: BatchTiming = { quietMs: 50, maxWaitMs: 500 };

export class EntryListWriter<Entry> {
  private readonly pending = new Map<string, Batch<Entry>>();
  private readonly equal: (a: Entry, b: Entry) => boolean;

  constructor(
    private readonly spec: EntryListSpec<Entry>,
    private readonly locks: Locks,
    private readonly timing: BatchTiming = DEFAULT_TIMING,
  ) {
    if (!spec.writeAll === !(spec.addEntry && spec.removeEntry)) {
      throw new Error('an entry list is written either whole (writeAll) or an entry at a time (addEntry and removeEntry)');
    }
    this.equal = spec.equal ?? ((a, b) => JSON.stringify(a) === JSON.stringify(b));
  }

  /** Makes the object's entry with this entry's key exactly this entry. Resolves false when the object is gone. */
  set(objectId: string, entry: Entry): Promise<boolean> {
    return this.change(objectId, this.spec.key(entry), entry);
  }

  /** Removes every entry with this key. Resolves false when the object is gone (and the entry with it). */
  remove(objectId: string, key: string): Promise<boolean> {
    return this.change(objectId, key, undefined);
  }

  private change(objectId: string, key: string, entry: Entry | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let batch = this.pending.get(objectId);
      if (!batch) {
        batch = { changes: new Map(), lastChangeAt: Date.now() };
        this.pending.set(objectId, batch);
        void this.flush(objectId, batch);
      }
      batch.lastChangeAt = Date.now();
      const existing = batch.changes.get(key);
      // Within one batch the last change of a key wins; everyone waiting on it gets its outcome.
      if (existing) {
        existing.entry = entry;
        existing.waiters.push({ resolve, reject });
      } else {
        batch.changes.set(key, { entry, waiters: [{ resolve, reject }] });
      }
    });
  }

  private async flush(objectId: string, batch: Batch<Entry>): Promise<void> {
    const deadline = Date.now() + this.timing.maxWaitMs;
    for (;;) {
      const wait = Math.min(batch.lastChangeAt + this.timing.quietMs, deadline) - Date.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    try {
      await this.locks.withLock(this.spec.lockKey(objectId), async () => {
        // From here on, new changes to the object form the next batch (which waits for this lock).
        if (this.pending.get(objectId) === batch) this.pending.delete(objectId);
        if (this.spec.writeAll) await this.writeWhole(objectId, batch.changes);
        else await this.writeEntries(objectId, batch.changes);
      });
    } catch (error) {
      if (this.pending.get(objectId) === batch) this.pending.delete(objectId);
      for (const change of batch.changes.values()) settle(change, error);
    }
  }

  private async writeWhole(objectId: string, batch: Map<string, PendingChange<Entry>>): Promise<void> {
    const current = await this.spec.read(objectId);
    if (current === undefined) {
      for (const change of batch.values()) settle(change, false);
      return;
    }
    const seen = new Set<string>();
    const wanted: Entry[] = [];
    let duplicates = false;
    for (const entry of current) {
      const key = this.spec.key(entry);
      if (seen.has(key)) duplicates = true;
      else if (!batch.has(key)) wanted.push(entry);
      seen.add(key);
    }
    let differs = duplicates;
    for (const [key, change] of batch) {
      const present = current.find((entry) => this.spec.key(entry) === key);
      if (change.entry !== undefined) wanted.push(change.entry);
      if (change.entry === undefined ? present !== undefined : present === undefined || !this.equal(present, change.entry)) differs = true;
    }
    if (differs) {
      await this.spec.writeAll!(objectId, wanted);
      await this.spec.afterWrite?.(objectId);
    }
    for (const change of batch.values()) settle(change, true);
  }

  private async writeEntries(objectId: string, batch: Map<string, PendingChange<Entry>>): Promise<void> {
    const current = await this.spec.read(objectId);
    if (current === undefined) {
      for (const change of batch.values()) settle(change, false);
      return;
    }
    const written: Array<PendingChange<Entry>> = [];
    for (const [key, change] of batch) {
      try {
        const copies = current.filter((entry) => this.spec.key(entry) === key);
        const wanted = change.entry;
        if (wanted !== undefined && copies.length === 1 && this.equal(copies[0], wanted)) {
          settle(change, true);
          continue;
        }
        if (wanted !== undefined && copies.length === 1 && this.spec.replaceEntry) {
          await this.spec.replaceEntry(objectId, copies[0], wanted);
        } else {
          for (const copy of copies) await this.spec.removeEntry!(objectId, copy);
          if (wanted !== undefined) await this.spec.addEntry!(objectId, wanted);
        }
        written.push(change);
      } catch (error) {
        settle(change, error);
      }
    }
    if (written.length === 0) return;
    try {
      await this.spec.afterWrite?.(objectId);
      for (const change of written) settle(change, true);
    } catch (error) {
      for (const change of written) settle(change, error);
    }
  }
}

function settle<Entry>(change: PendingChange<Entry>, outcome: boolean | unknown): void {
  const waiters = change.waiters.splice(0);
  for (const waiter of waiters) {
    if (typeof outcome === 'boolean') waiter.resolve(outcome);
    else waiter.reject(outcome);
  }
}
