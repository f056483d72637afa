// TEMPORARY: not committed. Times the statements of the batch handler.
import { performance } from 'node:perf_hooks';
import { createMemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { createPgDb, migrate, type Db, type Queryable } from '@cjo/db';
import { createMemoryKv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { createResolvedBatchHandler } from '../src/batch/resolved-batch-handler';
import { createCatalogSource } from '../src/catalog/catalog-source';
import { createProfileCache } from '../src/cache/profile-cache';
import { createProfilesMetrics } from '../src/metrics';
import { createDefinitionsAdmin } from '../src/admin/definitions-admin';
import { backlogGenerator } from '../../../bench/src/lib/profile-events';

const times = new Map<string, { n: number; ms: number }>();
function timed(db: Db): Db {
  const wrap = (q: Queryable): Queryable => ({
    query: async (sql, params) => {
      const key = sql.replace(/\s+/g, ' ').trim().slice(0, 60);
      const t = performance.now();
      try { return await q.query(sql, params); } finally {
        const e = times.get(key) ?? { n: 0, ms: 0 }; e.n++; e.ms += performance.now() - t; times.set(key, e);
      }
    },
  });
  return { ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))), close: () => db.close() };
}

async function main() {
  const schema = `tmpbench_${Date.now()}`;
  const raw = createPgDb({ url: 'postgres://postgres@127.0.0.1:5432/postgres', schema });
  await migrate(raw, { dir: 'services/profiles/migrations' });
  if (process.env.NOTIMELINE) await raw.query('DROP INDEX profile_events_timeline');
  if (process.env.NOBRIN) await raw.query('DROP INDEX profile_events_occurred_brin');
  const db = timed(raw);
  const bus = createMemoryBus(); await bus.ensureTopics(topicSpecs());
  const contract = createContract();
  const logger = createLogger({ name: 'x', level: 'warn' });
  const catalogs = createCatalogSource(logger);
  const admin = createDefinitionsAdmin({ db: raw, catalogs, now: Date.now, maxWindowMs: 90 * 86400000, jobQueued: () => {} });
  await admin.saveComputedTrait(null, { name: 'orders_30d', function: 'count', event: 'Order Completed', window: '30d' }, true);
  await admin.saveComputedTrait(null, { name: 'revenue', function: 'sum', event: 'Order Completed', property: 'total' }, true);
  await admin.createSegment({ name: 'pro', rule: { trait: 'plan', op: 'eq', value: 'pro' } }, true);
  await admin.createSegment({ name: 'rb', rule: { performed: 'Order Completed', atLeast: 3, within: '30d' } }, true);
  await admin.createSegment({ name: 'bs', rule: { computedTrait: 'revenue', op: 'gte', value: 500 } }, true);
  await admin.createSegment({ name: 'ep', rule: { and: [{ trait: 'plan', op: 'eq', value: 'pro' }, { computedTrait: 'orders_30d', op: 'gte', value: 2 }, { not: { trait: 'seats', op: 'lt', value: 5 } }] } }, true);
  const handler = createResolvedBatchHandler({ db, bus, catalogs, codecs: { profileChanges: contract.codec('profileChanges'), memberships: contract.codec('segmentMemberships'), deletions: contract.codec('profileDeletions') }, cache: createProfileCache(createMemoryKv(), { ttlMs: 1000, logger }), metrics: createProfilesMetrics(), now: Date.now, logger });
  const next = backlogGenerator({ profiles: 20000, runId: 'x', seed: 5, now: Date.now() });
  let i = 0;
  const batches = Number(process.env.BATCHES ?? 100);
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const records = [];
    for (let k = 0; k < 500; k++) { const value = next(i++); records.push({ value, message: { topic: 't', partition: 0, offset: String(i), key: value.profileId, value: Buffer.alloc(0), headers: {}, timestamp: 0 } }); }
    if (b === 20) { times.clear(); }
    await handler(records);
  }
  const total = performance.now() - t0;
  console.log(`events/s ${(batches * 500 / (total / 1000)).toFixed(0)}`);
  const rows = [...times].sort((a, b) => b[1].ms - a[1].ms);
  for (const [k, v] of rows) console.log(`${(v.ms / (batches - 20)).toFixed(2).padStart(8)} ms/batch  ${String(v.n).padStart(5)}  ${k}`);
  if (!process.env.KEEP) await raw.query(`DROP SCHEMA ${schema} CASCADE`); else console.log(schema);
  await raw.close(); await bus.close();
}
main();
