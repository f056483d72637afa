/**
 * pnpm bench:profiles — throughput and membership latency of the profiles service (issue 5), with
 * baselines measured in the same run.
 *
 * Runs services/profiles as its own process on real Kafka, Postgres and Redis under a fresh
 * CJO_NAMESPACE. The benchmark stands in for identity: it publishes ResolvedEvents (Avro, keyed by
 * profileId) on the namespaced cjo.events.resolved.v1 itself; ingest and identity are not in the loop.
 *
 *  drain    a backlog of BENCH_EVENTS events over BENCH_PROFILES profiles is published while the service
 *           is stopped; the service is started and the time from its first applied batch to its last is
 *           measured (events applied/s, segment evaluations/s from its /metrics); then the stored events
 *           are counted (each exactly once).
 *  raw      baseline: a plain kafkajs consumer reads and decodes the same backlog (the ceiling a consumer
 *           of this topic on this machine has before doing any work).
 *  latency  identify calls flipping their profile in and out of a segment, open loop at BENCH_RATE/s for
 *           BENCH_SECONDS: from the moment each event was due to be handed to the producer to the moment
 *           its SegmentMembershipChanged record (matched by messageId) is read off the memberships topic.
 *  pipeline the issue's measure: identify calls posted to ingest (its own process, as are identity and
 *           profiles) at BENCH_RATE/s, open loop, one per request: from when each call was due to when its
 *           membership record is read off the topic. Under it: due → ingest's 200; request written →
 *           membership (from when the request left the client, i.e. without the wait for one of its
 *           BENCH_PIPELINE_SOCKETS connections); ingest's 200 → membership; and the p50/p99 buckets of each service's
 *           cjo_bus_publish_duration_seconds and cjo_bus_handler_duration_seconds.
 *  kafka    baseline: the same paced records through a plain topic and back, without the service.
 *  batch1   baseline: the service with PROFILES_BATCH_SIZE=1 (a transaction and a publish per event)
 *           draining BENCH_BASELINE_EVENTS of the same mix.
 *
 * Environment (all optional): BENCH_EVENTS=200000, BENCH_PROFILES=20000, BENCH_RATE=1000,
 * BENCH_SECONDS=10, BENCH_BASELINE_EVENTS=10000, BENCH_BATCH_SIZE=2000, BENCH_CONCURRENCY=3, BENCH_PIPELINE_BATCH=1
 * (events per ingest request in the pipeline phase; above 1, /v1/batch requests of the calls due each 10 ms),
 * BENCH_PIPELINE_SOCKETS=100 (the pipeline client's keep-alive connections; calls beyond them wait for one)
 * (PROFILES_PARTITIONS_CONCURRENTLY), BENCH_SCENARIOS=drain,raw,latency,pipeline,kafka,batch1, BENCH_CPU_PROF=<dir> (runs
 * the service with --cpu-prof; one profile per service process, written when it stops),
 * KAFKA_BROKERS, DATABASE_URL, REDIS_URL (loopback only).
 * Exit code: 0 for a clean run (whatever PASS/MISS says), 1 on errors, missing records or a count
 * mismatch, 2 when the watchdog ended it.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicCodec } from '@cjo/bus';
import { createContract, topicSpecs, type SegmentMembershipChanged } from '@cjo/contract';
import { Client } from 'pg';
import { cpuMeter, localKafkaPid, type PhaseCpu } from './lib/cpu';
import { infraUrls, removeNamespace, type InfraUrls } from '@cjo/testkit';
import { assertLoopback, createAdmin, redisServerPid, waitForTopicLeaders } from './lib/infra';
import { connectProducer, drainRaw, kafkaClient, pacedLoad, produceAll, startConsumer, type PacedResult } from './lib/kafka-tools';
import { backlogGenerator, flipGenerator } from './lib/profile-events';
import { banner, int, ms, ratio, table, log } from './lib/report';
import { counterValue, histogramBucketOf } from './lib/prometheus';
import { startServiceProcess, type ServiceProcess } from './lib/service-process';
import { positiveInt, scenariosSetting } from './lib/settings';

const SCENARIOS = ['drain', 'raw', 'latency', 'pipeline', 'kafka', 'batch1'] as const;
const TARGETS = { appliedPerSec: 10_000, p99Ms: 1_000 } as const;

function readSettings() {
  return {
    events: positiveInt('BENCH_EVENTS', 200_000),
    profiles: positiveInt('BENCH_PROFILES', 20_000),
    rate: positiveInt('BENCH_RATE', 1_000),
    seconds: positiveInt('BENCH_SECONDS', 10),
    baselineEvents: positiveInt('BENCH_BASELINE_EVENTS', 10_000),
    batchSize: positiveInt('BENCH_BATCH_SIZE', 2_000),
    concurrency: positiveInt('BENCH_CONCURRENCY', 3),
    pipelineBatch: positiveInt('BENCH_PIPELINE_BATCH', 1),
    pipelineSockets: positiveInt('BENCH_PIPELINE_SOCKETS', 100),
    scenarios: scenariosSetting(SCENARIOS),
    cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  };
}
type Settings = ReturnType<typeof readSettings>;

interface DrainResult {
  name: string;
  events: number;
  seconds: number;
  perSecond: number;
  evaluationsPerSecond: number;
  stored: number;
  expected: number;
}

interface Results {
  startedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  drain?: DrainResult;
  raw?: { events: number; perSecond: number };
  latency?: PacedResult & { records: number };
  pipeline?: PacedResult & { records: number; refused: number; stages: StageTiming[] };
  kafka?: PacedResult;
  batch1?: DrainResult;
  cpu: PhaseCpu[];
  problems: string[];
  cleanupFailures: string[];
}

/** The definitions every run evaluates: two computed traits and four segments, three of them windowed or aggregated. */
async function define(url: string, token: string): Promise<void> {
  const post = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${url}${path}?allowUnknown=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  };
  await post('/v1/computed-traits', { name: 'orders_30d', function: 'count', event: 'Order Completed', window: '30d' });
  await post('/v1/computed-traits', { name: 'revenue', function: 'sum', event: 'Order Completed', property: 'total' });
  await post('/v1/segments', { name: 'pro', rule: { trait: 'plan', op: 'eq', value: 'pro' } });
  await post('/v1/segments', { name: 'repeat buyers', rule: { performed: 'Order Completed', atLeast: 3, within: '30d' } });
  await post('/v1/segments', { name: 'big spenders', rule: { computedTrait: 'revenue', op: 'gte', value: 500 } });
  await post('/v1/segments', {
    name: 'engaged pro',
    rule: { and: [{ trait: 'plan', op: 'eq', value: 'pro' }, { computedTrait: 'orders_30d', op: 'gte', value: 2 }, { not: { trait: 'seats', op: 'lt', value: 5 } }] },
  });
}

/** A step of the pipeline timed by a service's own histogram (bucket bounds, so coarse). */
interface StageTiming {
  label: string;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

async function scrape(service: ServiceProcess): Promise<string> {
  return (await fetch(`${service.url}/metrics`)).text();
}

async function stageTimings(service: ServiceProcess, name: string): Promise<StageTiming[]> {
  const text = await scrape(service);
  const bucketMs = (metric: string, q: number) => {
    const seconds = histogramBucketOf(text, metric, q);
    return seconds === undefined ? undefined : seconds * 1000;
  };
  const timing = (label: string, metric: string): StageTiming => ({ label, p50Ms: bucketMs(metric, 0.5), p99Ms: bucketMs(metric, 0.99) });
  return [timing(`${name}: Bus.publish`, 'cjo_bus_publish_duration_seconds'), timing(`${name}: handler run`, 'cjo_bus_handler_duration_seconds')].filter(
    (stage) => stage.p50Ms !== undefined,
  );
}

async function metricsOf(service: ServiceProcess): Promise<{ applied: number; evaluations: number }> {
  const text = await scrape(service);
  return {
    applied: counterValue(text, 'cjo_profiles_events_applied_total'),
    evaluations: counterValue(text, 'cjo_profiles_segment_evaluations_total'),
  };
}

/** POSTs a JSON body and resolves with the status once the response is read; rejects on a connection error. */
/** `onSent` runs once the request is handed to the kernel, i.e. after any wait for a free socket. */
function postJson(agent: Agent, url: URL, headers: Record<string, string>, body: string, onSent: () => void): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const call = request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolveStatus(response.statusCode ?? 0));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.on('finish', onSent);
    call.end(body);
  });
}

async function storedEvents(urls: InfraUrls, schema: string): Promise<number> {
  const client = new Client({ connectionString: urls.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${client.escapeIdentifier(schema)}.profile_events`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const settings = readSettings();
  const urls = infraUrls();
  assertLoopback(urls);
  const namespace = `bench_${randomBytes(6).toString('hex')}`;
  const baselineNamespace = `${namespace}_b1`;
  const pipelineNamespace = `${namespace}_p`;
  const token = randomBytes(24).toString('hex');
  const results: Results = { startedAt: new Date(), loadBefore: os.loadavg(), loadAfter: [], cpu: [], problems: [], cleanupFailures: [] };
  const kafka = kafkaClient(urls.kafkaBrokers, 'cjo-bench-profiles');
  const producer = await connectProducer(kafka);
  const services = new Set<ServiceProcess>();
  const kafkaPid = localKafkaPid();
  const redisPid = await redisServerPid(urls.redisUrl);
  let current: ServiceProcess | undefined;
  const upstream: { ingest?: ServiceProcess; identity?: ServiceProcess } = {};
  const meter = cpuMeter(() => ({
    profiles: current?.pid,
    ingest: upstream.ingest?.pid,
    identity: upstream.identity?.pid,
    kafka: kafkaPid,
    redis: redisPid,
  }));
  const measured = <T>(name: string, run: () => Promise<T>): Promise<T> => meter.measure(name, run, results.cpu);

  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      log('cleaning up');
      for (const service of services) await service.stop().catch(() => null);
      await producer.disconnect().catch(() => undefined);
      for (const ns of [namespace, baselineNamespace]) results.cleanupFailures.push(...(await removeNamespace(urls, ns, { pgSchemas: [`${ns}_profiles`] })));
      const pipelineSchemas = ['ingest', 'identity', 'profiles'].map((service) => `${pipelineNamespace}_${service}`);
      results.cleanupFailures.push(...(await removeNamespace(urls, pipelineNamespace, { pgSchemas: pipelineSchemas })));
    })());
  const budgetMs = (settings.events / 1_000 + settings.baselineEvents / 200 + 4 * settings.seconds + 300) * 1000;
  const watchdog = setTimeout(() => {
    log(`the run took longer than ${Math.round(budgetMs / 1000)} s: giving up`);
    void cleanUp().finally(() => process.exit(2));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }

  const start = async (ns: string, env: Record<string, string> = {}, script = 'services/profiles/src/main.ts'): Promise<ServiceProcess> => {
    const service = await startServiceProcess({
      script,
      env: {
        CJO_NAMESPACE: ns,
        LOG_LEVEL: 'warn',
        CJO_ADMIN_TOKEN: token,
        KAFKA_BROKERS: urls.kafkaBrokers.join(','),
        DATABASE_URL: urls.databaseUrl,
        REDIS_URL: urls.redisUrl,
        PROFILES_PARTITIONS_CONCURRENTLY: String(settings.concurrency),
        PROFILES_BATCH_SIZE: String(settings.batchSize),
        ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
        ...env,
      },
      nodeArgs: settings.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`],
    });
    services.add(service);
    if (script.includes('/profiles/')) current = service;
    return service;
  };
  const stop = async (service: ServiceProcess): Promise<void> => {
    const code = await service.stop();
    services.delete(service);
    if (code !== 0) results.problems.push(`a service exited with code ${code}: ${service.output().slice(-2000)}`);
  };

  /** Publishes a backlog with the service stopped, then measures how fast a started service applies it. */
  const drain = async (name: string, ns: string, events: number, env: Record<string, string> = {}): Promise<DrainResult> => {
    log(`${name}: defining segments, then publishing ${int(events)} events with the service stopped`);
    const setup = await start(ns, env);
    await define(setup.url, token);
    await stop(setup);
    const codec = createContract({ namespace: `${ns}.` }).codec('resolvedEvents');
    const next = backlogGenerator({ profiles: settings.profiles, runId: ns, seed: 5, now: Date.now() });
    const produceSeconds = await produceAll(
      producer,
      codec.topic,
      events,
      (index) => {
        const event = next(index);
        return { key: event.profileId, value: codec.encode(event) };
      },
      { perSend: 1_000, concurrency: 4 },
    );
    log(`${name}: published in ${produceSeconds.toFixed(1)} s; starting the service`);
    const service = await start(ns, env);
    const { first, last } = await measured(name, async () => {
      let first: { at: number; applied: number; evaluations: number } | undefined;
      let last = { at: performance.now(), applied: 0, evaluations: 0 };
      const deadline = Date.now() + Math.max(120_000, events * 5);
      while (last.applied < events && Date.now() < deadline) {
        const sample = { at: performance.now(), ...(await metricsOf(service)) };
        if (first === undefined && sample.applied > 0) first = sample;
        last = sample;
        await sleep(100);
      }
      return { first, last };
    });
    await stop(service);
    if (first === undefined || last.applied < events) throw new Error(`${name}: the service applied ${last.applied} of ${events} events in time`);
    const seconds = (last.at - first.at) / 1000;
    const stored = await storedEvents(urls, `${ns}_profiles`);
    if (stored !== events) results.problems.push(`${name}: ${stored} events stored for ${events} published`);
    return {
      name,
      events: last.applied - first.applied,
      seconds,
      perSecond: (last.applied - first.applied) / seconds,
      evaluationsPerSecond: (last.evaluations - first.evaluations) / seconds,
      stored,
      expected: events,
    };
  };

  /** Reads the namespace's membership records from now on, handing each causing event's messageId to `arrived`. */
  const watchMemberships = (ns: string, codec: TopicCodec<SegmentMembershipChanged>, arrived: (messageId: string) => void) =>
    startConsumer(kafka, {
      groupId: `${ns}.bench-memberships`,
      topic: codec.topic,
      fromBeginning: false,
      onMessage: (value) => {
        const record = codec.decode(value);
        if (record.messageId !== null) arrived(record.messageId);
      },
    });

  /**
   * The issue's measure: from an event accepted at ingest to its membership record. Ingest, identity
   * and profiles run as their own processes; identify calls go to ingest over HTTP, open loop, one
   * per request, and each one's latency runs from when it was due to when its SegmentMembershipChanged
   * (matched by messageId) is read off the topic.
   */
  const pipeline = async (): Promise<PacedResult & { records: number; refused: number; stages: StageTiming[] }> => {
    log('pipeline: starting ingest, identity and profiles');
    const ns = pipelineNamespace;
    upstream.ingest = await start(ns, { RATE_LIMIT_PER_SECOND: '0' }, 'services/ingest/src/main.ts');
    upstream.identity = await start(ns, {}, 'services/identity/src/main.ts');
    const profiles = await start(ns);
    await define(profiles.url, token);
    const created = await fetch(`${upstream.ingest.url}/v1/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/sources answered ${created.status}: ${await created.text()}`);
    const { writeKey } = (await created.json()) as { writeKey: string };
    const headers = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' };
    const identifyUrl = new URL(`${upstream.ingest.url}/v1/identify`);
    const batchUrl = new URL(`${upstream.ingest.url}/v1/batch`);
    const agent = new Agent({ keepAlive: true, maxSockets: settings.pipelineSockets });
    const membershipCodec = createContract({ namespace: `${ns}.` }).codec('segmentMemberships');
    let records = 0;
    let refused = 0;
    const people = 1_000;
    const load = pacedLoad({
      rate: settings.rate,
      seconds: settings.seconds,
      drainMs: 15_000,
      // Each person's calls alternate plan pro / free, so every call moves them in or out of the "pro" segment.
      record: (index) => {
        const messageId = `${ns}-pipeline-${index}`;
        const plan = Math.floor(index / people) % 2 === 0 ? 'pro' : 'free';
        return { id: messageId, payload: { userId: `${ns}-person-${index % people}`, messageId, traits: { plan } } };
      },
      // A client's bounded pool: calls beyond it wait, and the wait counts in their latency (open loop).
      // With a pipeline batch above 1, the calls due in each 10 ms slice go as /v1/batch requests, as an SDK flushes its queue.
      send: (calls) => {
        const size = settings.pipelineBatch;
        const requests: Array<{ url: URL; body: string; ids: string[] }> = [];
        for (let start = 0; start < calls.length; start += size) {
          const chunk = calls.slice(start, start + size);
          const ids = chunk.map((call) => call.messageId);
          requests.push(
            size === 1
              ? { url: identifyUrl, body: JSON.stringify(chunk[0]), ids }
              : { url: batchUrl, body: JSON.stringify({ batch: chunk.map((call) => ({ type: 'identify', ...call })) }), ids },
          );
        }
        return Promise.all(
          requests.map((call) =>
            postJson(agent, call.url, headers, call.body, () => {
              for (const id of call.ids) load.sent(id);
            }).then(
              (status) => {
                if (status !== 200) refused += call.ids.length;
                else for (const id of call.ids) load.accepted(id);
              },
              () => {
                refused += call.ids.length;
              },
            ),
          ),
        );
      },
    });
    const consumer = await watchMemberships(ns, membershipCodec, (messageId) => {
      records += 1;
      load.arrived(messageId);
    });
    const shape = settings.pipelineBatch === 1 ? 'one per /v1/identify request' : `in /v1/batch requests of up to ${settings.pipelineBatch}`;
    log(`pipeline: ${settings.rate} identify calls/s into ingest for ${settings.seconds} s, ${shape}`);
    const paced = await measured('pipeline', () => load.run());
    await consumer.disconnect();
    agent.destroy();
    const stages = [
      ...(await stageTimings(upstream.ingest, 'ingest')),
      ...(await stageTimings(upstream.identity, 'identity')),
      ...(await stageTimings(profiles, 'profiles')),
    ];
    for (const service of [profiles, upstream.identity, upstream.ingest]) await stop(service);
    if (paced.missing > 0) results.problems.push(`pipeline: ${paced.missing} calls got no membership record within 15 s`);
    if (refused > 0) results.problems.push(`pipeline: ${refused} calls were refused or failed`);
    return { ...paced, records, refused, stages };
  };

  try {
    const contract = createContract({ namespace: `${namespace}.` });
    if (settings.scenarios.has('drain')) results.drain = await drain('drain', namespace, settings.events);
    if (settings.scenarios.has('raw') && results.drain !== undefined) {
      log('raw: a plain consumer reads and decodes the same backlog');
      const codec = contract.codec('resolvedEvents');
      const perSecond = await measured('raw', () => drainRaw(kafka, codec.topic, settings.events, (value) => codec.decode(value)));
      results.raw = { events: settings.events, perSecond };
    }
    if (settings.scenarios.has('latency')) {
      const service = await start(namespace);
      if (!settings.scenarios.has('drain')) await define(service.url, token);
      const resolvedCodec = contract.codec('resolvedEvents');
      const membershipCodec = contract.codec('segmentMemberships');
      const next = flipGenerator({ profiles: 1_000, runId: namespace, now: Date.now });
      let records = 0;
      const load = pacedLoad({
        rate: settings.rate,
        seconds: settings.seconds,
        drainMs: 10_000,
        record: (index) => {
          const event = next(index);
          return { id: event.messageId, payload: { key: event.profileId, value: resolvedCodec.encode(event) } };
        },
        send: (messages) => producer.send({ topic: resolvedCodec.topic, acks: -1, timeout: 30_000, messages }),
      });
      const consumer = await watchMemberships(namespace, membershipCodec, (messageId) => {
        records += 1;
        load.arrived(messageId);
      });
      log(`latency: ${settings.rate} events/s for ${settings.seconds} s, each flipping a segment membership`);
      const paced = await measured('latency', () => load.run());
      results.latency = { ...paced, records };
      await consumer.disconnect();
      await stop(service);
      if (paced.missing > 0) results.problems.push(`latency: ${paced.missing} events got no membership record within 10 s`);
    }
    if (settings.scenarios.has('pipeline')) results.pipeline = await pipeline();
    if (settings.scenarios.has('kafka')) {
      const admin = createAdmin(urls.kafkaBrokers);
      await admin.connect();
      const echo = `${namespace}.bench-echo`;
      const partitions = topicSpecs().find((spec) => spec.name.endsWith('resolved.v1'))?.partitions ?? 6;
      await admin.createTopics({ topics: [{ topic: echo, numPartitions: partitions }] });
      await waitForTopicLeaders(admin, [echo]);
      await admin.disconnect();
      const codec = contract.codec('resolvedEvents');
      const next = flipGenerator({ profiles: 1_000, runId: `${namespace}-echo`, now: Date.now });
      const load = pacedLoad({
        rate: settings.rate,
        seconds: settings.seconds,
        drainMs: 10_000,
        record: (index) => {
          const event = next(index);
          return { id: event.messageId, payload: { key: event.profileId, value: codec.encode(event) } };
        },
        send: (messages) => producer.send({ topic: echo, acks: -1, timeout: 30_000, messages }),
      });
      const consumer = await startConsumer(kafka, {
        groupId: `${namespace}.bench-echo`,
        topic: echo,
        fromBeginning: false,
        onMessage: (value) => load.arrived(codec.decode(value).messageId),
      });
      log(`kafka: the same paced load through a plain topic and back`);
      results.kafka = await measured('kafka', () => load.run());
      await consumer.disconnect();
    }
    if (settings.scenarios.has('batch1')) {
      results.batch1 = await drain('batch1', baselineNamespace, settings.baselineEvents, { PROFILES_BATCH_SIZE: '1' });
    }
  } catch (err) {
    results.problems.push(`fatal: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  } finally {
    clearTimeout(watchdog);
    results.loadAfter = os.loadavg();
    await cleanUp();
  }
  return printReport(settings, results);
}

function printReport(settings: Settings, r: Results): number {
  const out: string[] = [];
  out.push(
    '',
    `pnpm bench:profiles — ${r.startedAt.toISOString()} — ${os.cpus().length} cores, load ${r.loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${r.loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    `backlog ${int(settings.events)} events over ${int(settings.profiles)} profiles (30% identify, 40% Order Completed, 30% Page Viewed); ` +
      `2 computed traits, 4 segments; batch ${settings.batchSize}, ${settings.concurrency} partitions at a time`,
    '',
  );
  const rows: string[][] = [];
  const drainRow = (d: DrainResult | undefined, label: string) =>
    d && rows.push([label, int(d.events), d.seconds.toFixed(1), int(d.perSecond), int(d.evaluationsPerSecond), '', '', '']);
  drainRow(r.drain, `drain: events applied (batch ${settings.batchSize})`);
  if (r.raw) rows.push(['raw: kafkajs consume + Avro decode', int(r.raw.events), (r.raw.events / r.raw.perSecond).toFixed(1), int(r.raw.perSecond), '', '', '', '']);
  drainRow(r.batch1, 'batch1: events applied (batch 1)');
  const pacedRow = (p: PacedResult | undefined, label: string) =>
    p && rows.push([label, `${int(p.received)}/${int(p.sent)}`, p.seconds.toFixed(1), int(p.received / p.seconds), '', ms(p.latency.p50), ms(p.latency.p99), ms(p.latency.max)]);
  pacedRow(r.latency, `latency: event → membership @${settings.rate}/s`);
  pacedRow(r.pipeline, `pipeline: ingest → membership @${settings.rate}/s${settings.pipelineBatch > 1 ? ` (batch ≤${settings.pipelineBatch})` : ''}`);
  const accepted = r.pipeline?.accepted;
  if (accepted) rows.push(['  due → ingest answered 200', int(accepted.count), '', '', '', ms(accepted.p50), ms(accepted.p99), ms(accepted.max)]);
  const fromSent = r.pipeline?.fromSent;
  if (fromSent) rows.push(['  request written → membership', int(fromSent.count), '', '', '', ms(fromSent.p50), ms(fromSent.p99), ms(fromSent.max)]);
  const fromAccepted = r.pipeline?.fromAccepted;
  if (fromAccepted) {
    rows.push(['  ingest answered 200 → membership', int(fromAccepted.count), '', '', '', ms(fromAccepted.p50), ms(fromAccepted.p99), ms(fromAccepted.max)]);
  }
  const bound = (value: number | undefined) => (value === undefined ? '' : `≤${ms(value)}`);
  for (const stage of r.pipeline?.stages ?? []) rows.push([`  ${stage.label}`, '', '', '', '', bound(stage.p50Ms), bound(stage.p99Ms), '']);
  pacedRow(r.kafka, `kafka: publish → consume @${settings.rate}/s`);
  out.push(
    table(['phase', 'events', 'seconds', 'events/s', 'evals/s', 'p50 ms', 'p99 ms', 'max ms'], rows, [false, true, true, true, true, true, true, true]),
  );

  const ratios: string[][] = [];
  if (r.drain && r.raw) ratios.push(['drain / raw consume', ratio(r.drain.perSecond / r.raw.perSecond)]);
  if (r.drain && r.batch1) ratios.push([`batch ${settings.batchSize} / batch 1`, ratio(r.drain.perSecond / r.batch1.perSecond)]);
  if (r.latency && r.kafka) ratios.push(['membership p99 / kafka round-trip p99', ratio(r.latency.latency.p99 / r.kafka.latency.p99)]);
  if (r.pipeline && r.kafka) ratios.push(['pipeline p99 / kafka round-trip p99', ratio(r.pipeline.latency.p99 / r.kafka.latency.p99)]);
  if (ratios.length > 0) out.push('', table(['ratio', 'value'], ratios, [false, true]));

  const targets: string[][] = [];
  if (r.drain) targets.push(['events applied/s ≥ 10,000', int(r.drain.perSecond), r.drain.perSecond >= TARGETS.appliedPerSec ? 'PASS' : 'MISS']);
  if (r.latency) {
    targets.push([`p99 membership latency < 1 s at ${settings.rate}/s`, `${ms(r.latency.latency.p99)} ms`, r.latency.latency.p99 < TARGETS.p99Ms ? 'PASS' : 'MISS']);
  }
  if (r.pipeline) {
    const complete = r.pipeline.missing === 0;
    const p99 = r.pipeline.latency.p99;
    targets.push([
      `p99 call due → membership < 1 s at ${settings.rate}/s (with ingest's queue)`,
      `${ms(p99)} ms`,
      p99 < TARGETS.p99Ms && complete ? 'PASS' : 'MISS',
    ]);
    const fromAccepted = r.pipeline.fromAccepted;
    if (fromAccepted) {
      // The issue's wording: from an event accepted at ingest (its 200: on Kafka) to its membership record.
      targets.push([
        `p99 accepted at ingest (200) → membership < 1 s at ${settings.rate}/s`,
        `${ms(fromAccepted.p99)} ms`,
        fromAccepted.p99 < TARGETS.p99Ms && complete ? 'PASS' : 'MISS',
      ]);
    }
  }
  if (targets.length > 0) out.push('', 'targets (issue 5)', table(['target', 'measured', 'result'], targets));

  if (r.cpu.length > 0) {
    const pct = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)}%`);
    out.push(
      '',
      'CPU (% of one core) per phase',
      table(
        ['phase', 'profiles', 'ingest', 'identity', 'kafka', 'redis', 'bench', 'machine'],
        r.cpu.map(({ name, use }) => [
          name,
          ...['profiles', 'ingest', 'identity', 'kafka', 'redis'].map((process) => pct(use.byProcess.get(process))),
          pct(use.bench),
          pct(use.machine),
        ]),
        [false, true, true, true, true, true, true, true],
      ),
    );
  }
  const checks: string[] = [];
  for (const d of [r.drain, r.batch1]) if (d) checks.push(`${d.name}: ${int(d.stored)} events stored for ${int(d.expected)} published (${d.stored === d.expected ? 'exactly once' : 'MISMATCH'})`);
  if (r.latency) checks.push(`latency: ${int(r.latency.records)} membership records for ${int(r.latency.sent)} events, ${r.latency.missing} missing`);
  if (r.pipeline) {
    checks.push(`pipeline: ${int(r.pipeline.records)} membership records for ${int(r.pipeline.sent)} calls, ${r.pipeline.missing} missing, ${r.pipeline.refused} refused or failed`);
  }
  if (checks.length > 0) out.push('', ...checks);
  out.push(
    '',
    'latency: measured from publish of the resolved event (the benchmark stands in for identity). pipeline: from when each HTTP',
    'call to ingest was due, through ingest, identity and profiles (each its own process), to its membership record.',
    'Everything shares this machine (Kafka, Postgres, Redis, the service and the load generator): figures are noisy.',
  );
  const failed = r.problems.length > 0 || r.cleanupFailures.length > 0;
  if (failed) out.push('', banner('PROBLEMS'), ...r.problems, ...r.cleanupFailures.map((f) => `cleanup: ${f}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
