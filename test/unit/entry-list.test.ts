// The entry-list writer against an in-memory vendor list: changes that arrive together cost one
// read and one write, nothing is lost or duplicated, a gone object is reported, failures reach
// every change they concern.
import { EntryListWriter, type EntryListSpec } from '../../src/framework/entry-list';
import { VendorHttpClient } from '../../src/framework/http';

interface Share {
  user: string;
  level: string;
}

/** A vendor object holding a list that is read and written whole, slowly, as over HTTP. */
class FakeList {
  entries: Share[] = [];
  reads = 0;
  writes = 0;
  published = 0;
  exists = true;
  failWrites = 0;
  /** Set when the first write starts. */
  writeStarted = false;

  async read(): Promise<Share[] | undefined> {
    this.reads++;
    await tick();
    return this.exists ? this.entries.map((entry) => ({ ...entry })) : undefined;
  }

  async write(entries: Share[]): Promise<void> {
    this.writeStarted = true;
    await tick();
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new Error('the vendor refused the write');
    }
    this.writes++;
    this.entries = entries.map((entry) => ({ ...entry }));
  }
}

const locks = new VendorHttpClient({ vendor: 'fake', baseUrl: 'http://127.0.0.1:1' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

function wholeListWriter(list: FakeList, extra: Partial<EntryListSpec<Share>> = {}) {
  return new EntryListWriter<Share>(
    {
      lockKey: (id) => `dashboard:${id}`,
      read: () => list.read(),
      key: (entry) => entry.user,
      writeAll: (_id, entries) => list.write(entries),
      afterWrite: async () => {
        list.published++;
      },
      ...extra,
    },
    locks,
  );
}

test('without the writer, concurrent read-modify-writes of one list lose entries (the race it exists for)', async () => {
  const list = new FakeList();
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const current = (await list.read())!;
      await list.write([...current, { user: `u${i}`, level: 'view' }]);
    }),
  );
  expect(list.entries.length).toBeLessThan(20);
});

test('20 changes to one object that arrive together cost one read, one write and one post-write step; none is lost', async () => {
  const list = new FakeList();
  list.entries = [{ user: 'kept', level: 'edit' }];
  const writer = wholeListWriter(list);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.set('d1', { user: `u${i}`, level: 'view' })));
  expect(results.every((applied) => applied)).toBe(true);
  expect(list.entries).toHaveLength(21);
  expect(list.entries[0]).toEqual({ user: 'kept', level: 'edit' });
  expect({ reads: list.reads, writes: list.writes, published: list.published }).toEqual({ reads: 1, writes: 1, published: 1 });
});

test('changes arriving while a write runs form the next batch', async () => {
  const list = new FakeList();
  const writer = wholeListWriter(list);
  const first = Promise.all(Array.from({ length: 10 }, (_, i) => writer.set('d1', { user: `a${i}`, level: 'view' })));
  while (!list.writeStarted) await tick(); // the first batch is being written
  const second = Promise.all(Array.from({ length: 10 }, (_, i) => writer.set('d1', { user: `b${i}`, level: 'view' })));
  await Promise.all([first, second]);
  expect(list.entries).toHaveLength(20);
  expect(list.writes).toBe(2);
});

test('duplicates are collapsed, an unchanged entry costs no write, removal takes the entry out, and a gone object answers false', async () => {
  const list = new FakeList();
  list.entries = [
    { user: 'ann', level: 'view' },
    { user: 'ann', level: 'view' },
    { user: 'bob', level: 'edit' },
  ];
  const writer = wholeListWriter(list);
  await writer.set('d1', { user: 'bob', level: 'edit' });
  expect(list.entries).toEqual([{ user: 'ann', level: 'view' }, { user: 'bob', level: 'edit' }]); // written because of the duplicate
  expect(list.writes).toBe(1);
  await writer.set('d1', { user: 'bob', level: 'edit' });
  expect(list.writes).toBe(1); // nothing to change
  await writer.set('d1', { user: 'bob', level: 'admin' });
  await writer.remove('d1', 'ann');
  expect(list.entries).toEqual([{ user: 'bob', level: 'admin' }]);
  list.exists = false;
  await expect(writer.set('d1', { user: 'carl', level: 'view' })).resolves.toBe(false);
  await expect(writer.remove('d1', 'bob')).resolves.toBe(false);
});

test('a failed write rejects every change of its batch, and the next change starts afresh', async () => {
  const list = new FakeList();
  list.failWrites = 1;
  const writer = wholeListWriter(list);
  const outcomes = await Promise.allSettled([writer.set('d1', { user: 'a', level: 'view' }), writer.set('d1', { user: 'b', level: 'view' })]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  expect(list.entries).toEqual([]);
  await expect(writer.set('d1', { user: 'a', level: 'view' })).resolves.toBe(true);
  expect(list.entries).toEqual([{ user: 'a', level: 'view' }]);
});

test('a list written an entry at a time: one read per batch, copies removed, one entry replaced in place, a failure reaches only its change', async () => {
  const list = new FakeList();
  list.entries = [
    { user: 'ann', level: 'view' },
    { user: 'ann', level: 'view' },
    { user: 'bob', level: 'view' },
  ];
  const calls: string[] = [];
  const writer = new EntryListWriter<Share>(
    {
      lockKey: () => 'user:1',
      read: () => list.read(),
      key: (entry) => entry.user,
      addEntry: async (_id, entry) => {
        if (entry.user === 'bad') throw new Error('no such group');
        calls.push(`add ${entry.user}`);
        list.entries.push(entry);
      },
      removeEntry: async (_id, entry) => {
        calls.push(`remove ${entry.user}`);
        list.entries.splice(list.entries.findIndex((candidate) => candidate.user === entry.user), 1);
      },
      replaceEntry: async (_id, present, wanted) => {
        calls.push(`replace ${present.user} ${present.level} -> ${wanted.level}`);
        present.level = wanted.level;
        list.entries.find((candidate) => candidate.user === present.user)!.level = wanted.level;
      },
    },
    locks,
  );
  const outcomes = await Promise.allSettled([
    writer.set('1', { user: 'ann', level: 'view' }),
    writer.set('1', { user: 'bob', level: 'edit' }),
    writer.set('1', { user: 'cat', level: 'view' }),
    writer.set('1', { user: 'bad', level: 'view' }),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  expect(calls).toEqual(['remove ann', 'remove ann', 'add ann', 'replace bob view -> edit', 'add cat']);
  expect(list.reads).toBe(1);
});

test('changes trickling in a few milliseconds apart still share one write; a steady trickle is written after the longest wait', async () => {
  const list = new FakeList();
  const writer = wholeListWriter(list);
  const changes: Array<Promise<boolean>> = [];
  for (let i = 0; i < 10; i++) {
    changes.push(writer.set('d1', { user: `u${i}`, level: 'view' }));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(changes);
  expect(list.writes).toBe(1);

  const slow = new FakeList();
  const slowWriter = new EntryListWriter<Share>({ lockKey: () => 'd2', read: () => slow.read(), key: (entry) => entry.user, writeAll: (_id, entries) => slow.write(entries) }, locks, { quietMs: 25, maxWaitMs: 60 });
  const trickle: Array<Promise<boolean>> = [];
  const startedAt = Date.now();
  for (let i = 0; i < 12; i++) {
    trickle.push(slowWriter.set('d2', { user: `t${i}`, level: 'view' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await trickle[0];
  expect(Date.now() - startedAt).toBeLessThan(200); // the first change did not wait for the whole trickle
  await Promise.all(trickle);
  expect(slow.entries).toHaveLength(12);
  expect(slow.writes).toBeGreaterThan(1);
});
