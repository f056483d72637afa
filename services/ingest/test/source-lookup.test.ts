import { setTimeout as sleep } from 'node:timers/promises';
import { createPgliteHost, migrate, type Db, type PgliteHost, type Queryable } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import { createMemoryKv, type Kv } from '@cjo/kv';
import { ingestMigrationsDir } from '../src';
import { cachedSourceLookup } from '../src/source-lookup';
import { disableSource, insertSource } from '../src/store';

const HASH = 'a'.repeat(64);

/** Counts the statements that reach Postgres; fails them while `down` is set. */
function countingDb(db: Db): Queryable & { queries: number; down: boolean } {
  const state = { queries: 0, down: false };
  const query: Queryable['query'] = (sql, params) => {
    state.queries += 1;
    if (state.down) return Promise.reject(new CjoError('db_unavailable', 'connection lost', { retriable: true }));
    return db.query(sql, params);
  };
  return Object.assign(state, { query });
}

describe('cachedSourceLookup', () => {
  let host: PgliteHost;
  let db: Db;
  let kv: Kv;

  beforeAll(async () => {
    host = createPgliteHost({});
    db = host.db('ingest');
    await migrate(db, { dir: ingestMigrationsDir });
    await insertSource(db, { id: '00000000-0000-4000-8000-000000000001', name: 'web', writeKeyHash: HASH, createdAt: 0 });
  });

  afterAll(() => host.close());

  beforeEach(() => {
    kv = createMemoryKv();
  });

  it('answers concurrent and repeated lookups of a key from one Postgres query', async () => {
    const counting = countingDb(db);
    const sources = cachedSourceLookup(counting, kv, { sharedTtlMs: 60_000, localTtlMs: 60_000 });
    const answers = await Promise.all([sources.lookup(HASH), sources.lookup(HASH), sources.lookup(HASH)]);
    await sources.lookup(HASH);
    expect(answers).toEqual(Array(3).fill({ id: '00000000-0000-4000-8000-000000000001', disabled: false }));
    expect(counting.queries).toBe(1);
  });

  it('remembers unknown keys in the process, so guessed keys do not each cost a query', async () => {
    const counting = countingDb(db);
    const sources = cachedSourceLookup(counting, kv, { sharedTtlMs: 60_000, localTtlMs: 60_000 });
    await expect(sources.lookup('b'.repeat(64))).resolves.toBeNull();
    await expect(sources.lookup('b'.repeat(64))).resolves.toBeNull();
    expect(counting.queries).toBe(1);
  });

  it('does not remember a failed lookup', async () => {
    const counting = countingDb(db);
    const sources = cachedSourceLookup(counting, kv, { sharedTtlMs: 60_000, localTtlMs: 60_000 });
    counting.down = true;
    await expect(sources.lookup(HASH)).rejects.toMatchObject({ code: 'db_unavailable' });
    counting.down = false;
    await expect(sources.lookup(HASH)).resolves.toMatchObject({ disabled: false });
  });

  it('a disabled source is refused at once by the instance that invalidates, within localTtlMs by the others', async () => {
    const hash = 'c'.repeat(64);
    await insertSource(db, { id: '00000000-0000-4000-8000-000000000002', name: 'app', writeKeyHash: hash, createdAt: 0 });
    const changing = cachedSourceLookup(db, kv, { sharedTtlMs: 60_000, localTtlMs: 60_000 });
    const other = cachedSourceLookup(db, kv, { sharedTtlMs: 60_000, localTtlMs: 100 });
    await expect(changing.lookup(hash)).resolves.toMatchObject({ disabled: false });
    await expect(other.lookup(hash)).resolves.toMatchObject({ disabled: false });

    await disableSource(db, '00000000-0000-4000-8000-000000000002', 1);
    await changing.invalidate(hash);
    await expect(changing.lookup(hash)).resolves.toMatchObject({ disabled: true });
    await sleep(150);
    await expect(other.lookup(hash)).resolves.toMatchObject({ disabled: true });
  });
});
