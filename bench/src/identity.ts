/**
 * pnpm bench:identity — resolved events/s of the identity service (issue 4), against a relay that
 * consumes and re-publishes the same records without resolving them, measured in the same run.
 *
 * 1. Under a fresh CJO_NAMESPACE, puts BENCH_KNOWN identify events (one per visitor: userId,
 *    anonymousId, email) on the raw topic and lets identity (its own process) resolve them: the
 *    known visitors. Identity is then stopped.
 * 2. Puts BENCH_EVENTS track events on the raw topic while identity is down: BENCH_NEW_SHARE (20%)
 *    from new anonymous visitors, the rest from known visitors (their anonymousId and userId).
 * 3. Starts identity again and times how fast the backlog comes out resolved (first to last record on
 *    the resolved topic), with the CPU of each process; checks that every event came out once and
 *    that Postgres holds one profile per visitor.
 * 4. Baseline: a relay in this process (same bus, batch size and codecs) consumes the whole raw topic
 *    and publishes each batch re-keyed to its own topic, without any lookup.
 * Removes the namespace's topics, schema and keys at the end (also on failure).
 *
 * Environment: BENCH_CPU_PROF=<dir> (identity runs with --cpu-prof, profiles written when it stops), BENCH_EVENTS (200000), BENCH_KNOWN (20000), BENCH_NEW_SHARE (0.2), IDENTITY_BATCH_SIZE (1000),
 * IDENTITY_PARTITIONS_CONCURRENTLY (6), KAFKA_BROKERS, DATABASE_URL, REDIS_URL (loopback only).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContract, topics } from '@cjo/contract';
import { infraUrls, removeNamespace } from '@cjo/testkit';
import { Client } from 'pg';
import { cpuMeter, localKafkaPid, type CpuUse } from './lib/cpu';
import { startServiceProcess, type ServiceProcess } from './lib/service-process';
import { produceEvents, visitorEvent, type Visitor } from './lib/identity-load';
import { assertLoopback, createAdmin, redisServerPid, topicRecordCount, waitForTopicLeaders } from './lib/infra';
import { startRelay } from './lib/relay-baseline';
import { positiveInt, positiveNumber } from './lib/settings';
import { banner, int, ratio, table, log } from './lib/report';

const TARGET_EVENTS_PER_SEC = 10_000;

/** Polls `count` until it reaches `total`; returns when the first record past `from` and the last one were seen. */
async function timeBacklog(count: () => Promise<number>, from: number, total: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let first: number | undefined;
  for (;;) {
    const now = await count();
    if (first === undefined && now > from) first = performance.now();
    if (now >= total) return { seconds: (performance.now() - (first ?? performance.now())) / 1000, count: now };
    if (Date.now() > deadline) throw new Error(`only ${now - from} of ${total - from} records after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

async function main(): Promise<number> {
  const events = positiveInt('BENCH_EVENTS', 200_000);
  const known = positiveInt('BENCH_KNOWN', 20_000);
  const newShare = positiveNumber('BENCH_NEW_SHARE', 0.2);
  const batchSize = String(positiveInt('IDENTITY_BATCH_SIZE', 1000));
  const concurrency = String(positiveInt('IDENTITY_PARTITIONS_CONCURRENTLY', 6));
  const urls = infraUrls();
  assertLoopback(urls);
  const namespace = `bench_${randomBytes(6).toString('hex')}`;
  const contract = createContract({ namespace: `${namespace}.` });
  const rawTopic = contract.codec('rawEvents').topic;
  const resolvedTopic = contract.codec('resolvedEvents').topic;
  const baselineTopic = `${namespace}.bench.relay-baseline.v1`;
  const env = {
    CJO_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
    CJO_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    KAFKA_BROKERS: urls.kafkaBrokers.join(','),
    DATABASE_URL: urls.databaseUrl,
    REDIS_URL: urls.redisUrl,
    IDENTITY_BATCH_SIZE: batchSize,
    IDENTITY_PARTITIONS_CONCURRENTLY: concurrency,
  };
  const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  const startIdentityProcess = () =>
    startServiceProcess({
      script: 'services/identity/src/main.ts',
      env,
      nodeArgs: cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`],
    });
  const admin = createAdmin(urls.kafkaBrokers);
  let identity: ServiceProcess | undefined;
  const meter = cpuMeter(() => ({ identity: identity?.pid, kafka: localKafkaPid(), redis: redisPid }));
  const redisPid = await redisServerPid(urls.redisUrl);
  const encode = (event: Parameters<ReturnType<typeof contract.codec<'rawEvents'>>['encode']>[0]) => contract.codec('rawEvents').encode(event);
  const loadBefore = os.loadavg();
  const problems: string[] = [];
  const result: { identity?: { seconds: number; cpu: CpuUse }; baseline?: { seconds: number; cpu: CpuUse }; profiles?: number } = {};
  let newVisitors = 0;

  try {
    await admin.connect();
    log(`namespace ${namespace}: ${int(known)} known visitors, ${int(events)} events (${Math.round(newShare * 100)}% new visitors)`);
    identity = await startIdentityProcess();
    await waitForTopicLeaders(admin, [rawTopic, resolvedTopic]);
    const visitors: Visitor[] = Array.from({ length: known }, (_, i) => ({ anonymousId: `anon-${namespace}-${i}`, userId: `user-${namespace}-${i}` }));
    await produceEvents(urls.kafkaBrokers, rawTopic, visitors.map((v, i) => visitorEvent(`seed-${i}`, v, 'identify')), encode);
    log('seeding the known visitors through identity');
    await timeBacklog(() => topicRecordCount(admin, resolvedTopic), 0, known, 300_000);
    await identity.stop();
    identity = undefined;

    const stream = Array.from({ length: events }, (_, i) => {
      if (Math.random() < newShare) {
        newVisitors += 1;
        return visitorEvent(`ev-${i}`, { anonymousId: `new-${namespace}-${i}`, userId: null }, 'track');
      }
      return visitorEvent(`ev-${i}`, visitors[Math.floor(Math.random() * visitors.length)]!, 'track');
    });
    log('producing the measured backlog while identity is stopped');
    await produceEvents(urls.kafkaBrokers, rawTopic, stream, encode);

    log('identity: resolving the backlog');
    identity = await startIdentityProcess();
    const stopIdentityCpu = meter.start();
    const timed = await timeBacklog(() => topicRecordCount(admin, resolvedTopic), known, known + events, 600_000);
    result.identity = { seconds: timed.seconds, cpu: stopIdentityCpu() };
    await sleep(2000);
    const resolvedTotal = await topicRecordCount(admin, resolvedTopic);
    if (resolvedTotal !== known + events) problems.push(`the resolved topic holds ${resolvedTotal} records, expected ${known + events}`);
    await identity.stop();
    identity = undefined;

    const pg = new Client({ connectionString: urls.databaseUrl });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${namespace}_identity.profiles`);
      result.profiles = rows[0]?.n ?? 0;
    } finally {
      await pg.end();
    }
    if (result.profiles !== known + newVisitors) problems.push(`Postgres holds ${result.profiles} profiles, expected ${known + newVisitors}`);

    log('baseline: relaying the whole raw topic without resolution');
    await admin.createTopics({ topics: [{ topic: baselineTopic, numPartitions: topics.resolvedEvents.partitions }], waitForLeaders: true });
    const stopBaselineCpu = meter.start();
    const relay = await startRelay({
      brokers: urls.kafkaBrokers,
      contract,
      topic: baselineTopic,
      groupId: `${namespace}.relay`,
      maxBatchSize: Number(batchSize),
      partitionsConsumedConcurrently: Number(concurrency),
    });
    const relayed = await timeBacklog(() => topicRecordCount(admin, baselineTopic), 0, known + events, 600_000);
    result.baseline = { seconds: relayed.seconds, cpu: stopBaselineCpu() };
    await relay.stop();
  } catch (err) {
    problems.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  } finally {
    await identity?.stop().catch(() => null);
    await admin.disconnect().catch(() => undefined);
    problems.push(...(await removeNamespace(urls, namespace, { pgSchemas: [`${namespace}_identity`] })));
  }

  const out: string[] = [];
  const cpus = os.cpus();
  out.push('', `CJO identity benchmark — ${new Date().toISOString()}`);
  out.push(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}); node ${process.version}; load average before ${loadBefore.map((l) => l.toFixed(2)).join('/')}, after ${os.loadavg().map((l) => l.toFixed(2)).join('/')}`);
  out.push(`setup: identity as its own process (IDENTITY_BATCH_SIZE=${batchSize}, IDENTITY_PARTITIONS_CONCURRENTLY=${concurrency}), Kafka, Postgres and Redis on this machine; ${int(known)} known visitors, ${int(events)} events, ${int(newVisitors)} from new visitors`);
  const pct = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)}%`);
  const rows: string[][] = [];
  const identityRate = result.identity ? events / result.identity.seconds : Number.NaN;
  const baselineRate = result.baseline ? (known + events) / result.baseline.seconds : Number.NaN;
  if (result.identity) {
    const cpu = result.identity.cpu;
    rows.push(['identity (resolve, write, publish)', int(events), result.identity.seconds.toFixed(1), int(identityRate), pct(cpu.byProcess.get('identity')), pct(cpu.byProcess.get('kafka')), pct(cpu.byProcess.get('redis')), pct(cpu.machine)]);
  }
  if (result.baseline) {
    const cpu = result.baseline.cpu;
    rows.push(['baseline relay (consume, re-key, publish)', int(known + events), result.baseline.seconds.toFixed(1), int(baselineRate), `${Math.round(cpu.bench)}% (relay)`, pct(cpu.byProcess.get('kafka')), pct(cpu.byProcess.get('redis')), pct(cpu.machine)]);
  }
  out.push('', table(['run', 'events', 'seconds', 'events/s', 'CPU consumer', 'CPU kafka', 'CPU redis', 'CPU machine'], rows, [false, true, true, true, true, true, true, true]));
  out.push(`CPU in % of one core (${cpus.length * 100}% is the whole machine); Postgres runs as other processes and is in "machine".`);
  out.push(`profiles in Postgres: ${result.profiles === undefined ? 'n/a' : int(result.profiles)} (expected ${int(known + newVisitors)})`);
  out.push('', table(['target', 'measured', 'result'], [
    [`resolved events/s ≥ ${int(TARGET_EVENTS_PER_SEC)}`, int(identityRate), Number.isFinite(identityRate) ? (identityRate >= TARGET_EVENTS_PER_SEC ? 'PASS' : 'MISS') : 'NO DATA'],
    ['identity / baseline relay', `${ratio(identityRate / baselineRate)} (${int(identityRate)} / ${int(baselineRate)})`, '-'],
  ]));
  if (problems.length > 0) out.push('', banner('PROBLEMS'), ...problems);
  process.stdout.write(`${out.join('\n')}\n`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
