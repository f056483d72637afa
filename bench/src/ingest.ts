/**
 * pnpm bench:ingest — throughput and latency of the ingest service, against a
 * raw kafkajs producer measured in the same run (issue 3).
 *
 * Starts services/ingest as its own process on real Kafka, Postgres and Redis
 * under a fresh CJO_NAMESPACE, loads it over loopback with autocannon, checks
 * that the raw topic holds exactly the acknowledged events, prints a table with
 * the issue's targets, and removes everything it created (also on failure or Ctrl-C).
 * A benchmark, not a test: a MISS does not fail it; errors and count mismatches do (exit 1).
 *
 * When the raw baseline and (b) both run, they alternate after their warm-ups (raw round 1, (b) round 1, raw
 * round 2, ...) so that noise on the machine, which comes and goes within seconds, hits both alike. Their table
 * rows are totals over the rounds, a table lists each round's ratio, and the batch / raw target uses the median
 * of those ratios. The CPU table also gives ingest's CPU time per acknowledged event of each phase on ingest,
 * which other load moves less than events/s.
 *
 * Environment (all optional):
 *   BENCH_SECONDS=10            duration of each measured phase (the raw baseline's and (b)'s split into rounds)
 *   BENCH_WARMUP_SECONDS=3      un-measured warm-up of the service and of the raw producer
 *   BENCH_BATCH_SIZE=100        events per /v1/batch request and per raw producer send
 *   BENCH_CONNECTIONS=100       connections of (a) single calls at max throughput
 *   BENCH_BATCH_CONNECTIONS=20  connections of (b), and sends in flight of the raw producer
 *   BENCH_RATIO_ROUNDS=3        rounds of the raw baseline and (b) when both run, each BENCH_SECONDS / rounds
 *                               long (to 0.1 s, at least 2 s)
 *   BENCH_RATE=2000             request rate of (c) and (d)
 *   BENCH_RATE_CONNECTIONS=10   connections of (c) (autocannon's default)
 *   BENCH_SCENARIOS=single,bare,raw,batch,rate,paced   which phases to run
 *   BENCH_CPU_PROF=<dir>        run ingest with --cpu-prof, profile written to <dir> when it stops
 *   BENCH_NODE_OPTIONS          NODE_OPTIONS of the ingest process only (e.g. --max-semi-space-size=64)
 *   KAFKA_BROKERS, DATABASE_URL, REDIS_URL   (loopback only; defaults as the services)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createContract, topics } from '@cjo/contract';
import { infraUrls, removeNamespace } from '@cjo/testkit';
import type { Admin } from 'kafkajs';
import { cpuMeter, localKafkaPid, type CpuUse, type PhaseCpu } from './lib/cpu';
import { runHttpPhase, type HttpPhaseResult } from './lib/http-load';
import {
  assertLoopback,
  createAdmin,
  redisServerPid,
  settledRecordCount,
  topicRecordCount,
  waitForTopicLeaders,
} from './lib/infra';
import { repoRoot, startServiceProcess, type ServiceProcess } from './lib/service-process';
import { runPacedPhase, type PacedPhaseResult } from './lib/paced-load';
import { batchBodyTemplate, trackBody, trackBodyTemplate } from './lib/payloads';
import { combineRuns, connectRawProducer, type RawProducer, type RawProducerResult } from './lib/raw-producer';
import { positiveInt, scenariosSetting } from './lib/settings';
import { banner, int, ms, ratio, table, log } from './lib/report';

const SCENARIOS = ['single', 'bare', 'raw', 'batch', 'rate', 'paced'] as const;

/** CPU taken by processes outside the benchmark, or stolen, above which a phase is reported as disturbed, in % of one core. */
const NOISE_LIMIT_PCT = 25;

/** CPU the machine spent outside ingest, this process, Kafka, Redis and interrupt handling (other processes, mostly). */
function othersOf(use: CpuUse): number | undefined {
  if (use.machine === undefined) return undefined;
  let known = use.bench + (use.irq ?? 0);
  for (const value of use.byProcess.values()) known += value ?? 0;
  return Math.max(0, use.machine - known);
}

const TARGETS = { batchEventsPerSec: 50_000, singleReqPerSec: 10_000, ratio: 0.6, p99Ms: 25 } as const;

/** Shortest ratio round: in less, a phase's ramp-up and cut-off weigh too much in its rate. */
const MIN_ROUND_SECONDS = 2;

function readSettings() {
  const warmup = process.env.BENCH_WARMUP_SECONDS === '0' ? 0 : positiveInt('BENCH_WARMUP_SECONDS', 3);
  return {
    seconds: positiveInt('BENCH_SECONDS', 10),
    warmupSeconds: warmup,
    batchSize: positiveInt('BENCH_BATCH_SIZE', 100),
    connections: positiveInt('BENCH_CONNECTIONS', 100),
    batchConnections: positiveInt('BENCH_BATCH_CONNECTIONS', 20),
    rate: positiveInt('BENCH_RATE', 2000),
    rateConnections: positiveInt('BENCH_RATE_CONNECTIONS', 10),
    ratioRounds: positiveInt('BENCH_RATIO_ROUNDS', 3),
    scenarios: scenariosSetting(SCENARIOS),
    cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  };
}
type Settings = ReturnType<typeof readSettings>;

/** Length of each alternating round of the raw baseline and (b), to 0.1 s. */
function roundSeconds(settings: Settings): number {
  return Math.max(MIN_ROUND_SECONDS, Math.round((settings.seconds / settings.ratioRounds) * 10) / 10);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function percent(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${Math.round(value)}%`;
}

/** Ingest's CPU time per event it acknowledged: others' load and steal slow ingest down more than they make it work more, so this moves less than throughput. */
function ingestMicrosPerEvent(use: CpuUse, ackedEvents: number): number {
  return (((use.byProcess.get('ingest') ?? Number.NaN) / 100) * use.seconds * 1e6) / ackedEvents;
}

function eventsPerSec(p: HttpPhaseResult): number {
  return (p.ok * p.eventsPerRequest) / p.seconds;
}

function rawEventsPerSec(raw: RawProducerResult): number {
  return raw.events / raw.seconds;
}

/**
 * Phases of one scenario taken together (the rounds of (b)): rates over all their seconds. A phase's result keeps
 * only its percentiles, so each percentile is the highest of the phases': an upper bound of the one over all their responses.
 */
function totalOf(phases: readonly HttpPhaseResult[]) {
  const sum = (value: (p: HttpPhaseResult) => number): number => phases.reduce((total, p) => total + value(p), 0);
  const seconds = sum((p) => p.seconds);
  return {
    ok: sum((p) => p.ok),
    eventsPerSec: sum((p) => p.ok * p.eventsPerRequest) / seconds,
    reqPerSec: sum((p) => p.ok) / seconds,
    p50: Math.max(...phases.map((p) => p.latency.p50)),
    p99: Math.max(...phases.map((p) => p.latency.p99)),
    errors: sum((p) => p.non2xx + p.errors),
  };
}

function kafkaVersionOfLocalJars(): string | undefined {
  const lib = join(repoRoot, 'deploy/local/kafka/lib');
  if (!existsSync(lib)) return undefined;
  const jar = readdirSync(lib).find((name) => /^kafka_2\.13-.+\.jar$/.test(name));
  return jar?.replace(/^kafka_2\.13-/, '').replace(/\.jar$/, '');
}

/** A round of the raw baseline and the round of (b) that follows it. */
interface RatioRound {
  rawName: string;
  raw: RawProducerResult;
  batch: HttpPhaseResult;
}

/** A phase whose events must all be on the raw topic: what it acknowledged and what was left unknown at its cut-off. */
interface CountedPhase {
  name: string;
  ackedEvents: number;
  unknownEvents: number;
  producedEvents: number;
}

interface RunResults {
  namespace: string;
  startedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  cluster: string;
  warmup?: HttpPhaseResult;
  batchWarmup?: HttpPhaseResult;
  single?: HttpPhaseResult;
  bare?: HttpPhaseResult;
  /** Over all its rounds. */
  raw?: RawProducerResult & { producedEvents: number; warmupEvents: number };
  /** Its rounds (one when the raw baseline does not run). */
  batch?: HttpPhaseResult[];
  ratioRounds: RatioRound[];
  batchMissing?: string;
  rate?: HttpPhaseResult;
  paced?: PacedPhaseResult;
  counted: CountedPhase[];
  cpu: PhaseCpu[];
  kafkaPid: number | undefined;
  redisPid: number | undefined;
  rawTopicTotal?: number;
  serviceLogLines?: number;
  cleanupFailures: string[];
  fatal?: string;
}

async function main(): Promise<number> {
  const settings = readSettings();
  const urls = infraUrls();
  assertLoopback(urls);
  const namespace = `bench_${randomBytes(6).toString('hex')}`;
  const adminToken = randomBytes(24).toString('hex');
  const results: RunResults = {
    namespace,
    startedAt: new Date(),
    loadBefore: os.loadavg(),
    loadAfter: [],
    cluster: '',
    counted: [],
    ratioRounds: [],
    cpu: [],
    kafkaPid: localKafkaPid(),
    redisPid: await redisServerPid(urls.redisUrl),
    cleanupFailures: [],
  };

  let ingest: ServiceProcess | undefined;
  let bare: ServiceProcess | undefined;
  let admin: Admin | undefined;
  let rawProducer: RawProducer | undefined;
  const meter = cpuMeter(() => ({ ingest: ingest?.pid, bare: bare?.pid, kafka: results.kafkaPid, redis: results.redisPid }));
  const measured = <T>(name: string, run: () => Promise<T>): Promise<T> => meter.measure(name, run, results.cpu);
  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      log('cleaning up');
      await bare?.stop().catch(() => null);
      if (ingest !== undefined) {
        const code = await ingest.stop().catch(() => null);
        if (code !== 0 && code !== null) results.cleanupFailures.push(`ingest exited with code ${code}`);
      }
      await rawProducer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
      results.cleanupFailures.push(...(await removeNamespace(urls, namespace, { pgSchemas: [`${namespace}_ingest`] })));
    })());

  // Bounded in time whatever happens: every phase has a fixed length, and this catches a hang anywhere.
  const phases = settings.scenarios.size + 3 + 2 * settings.ratioRounds;
  const budgetMs = (phases * (settings.seconds + settings.warmupSeconds + 45) + 180) * 1000;
  const watchdog = setTimeout(() => {
    log(`the run took longer than ${Math.round(budgetMs / 1000)} s: giving up`);
    void cleanUp().finally(() => process.exit(2));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  log(`namespace ${namespace}; phases of ${settings.seconds} s`);
  try {
    admin = createAdmin(urls.kafkaBrokers);
    await admin.connect();
    const cluster = await admin.describeCluster();
    results.cluster = `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s): ${cluster.brokers
      .map((b) => `${b.host}:${b.port}`)
      .join(', ')}`;

    log('starting ingest');
    ingest = await startServiceProcess({
      script: 'services/ingest/src/main.ts',
      env: {
        CJO_NAMESPACE: namespace,
        LOG_LEVEL: 'warn',
        CJO_ADMIN_TOKEN: adminToken,
        KAFKA_BROKERS: urls.kafkaBrokers.join(','),
        DATABASE_URL: urls.databaseUrl,
        REDIS_URL: urls.redisUrl,
        // The benchmark measures capacity, not the limiter: 0 turns rate limiting off.
        RATE_LIMIT_PER_SECOND: '0',
        ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      },
      nodeArgs: settings.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`],
    });
    log(`ingest ready on ${ingest.url} (pid ${ingest.pid})`);
    const service = ingest;

    const created = await fetch(`${ingest.url}/v1/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/sources answered ${created.status}: ${await created.text()}`);
    const source = (await created.json()) as { id: string; writeKey: string };
    const auth = { authorization: `Basic ${Buffer.from(`${source.writeKey}:`).toString('base64')}` };

    const contract = createContract({ namespace: `${namespace}.` });
    const rawCodec = contract.codec('rawEvents');
    const rawTopic = rawCodec.topic;
    await waitForTopicLeaders(admin, [rawTopic]);
    let lastCount = await topicRecordCount(admin, rawTopic);
    const countPhase = async (name: string, ackedEvents: number, unknownEvents: number): Promise<void> => {
      const now = await settledRecordCount(admin!, rawTopic);
      results.counted.push({ name, ackedEvents, unknownEvents, producedEvents: now - lastCount });
      lastCount = now;
    };
    const load = (
      name: string,
      url: string,
      options: { path: string; body: string; events: number; connections: number; seconds: number; overallRate?: number },
    ): Promise<HttpPhaseResult> => {
      log(`${name}: ${options.seconds} s, ${options.connections} connections${options.overallRate ? `, ${options.overallRate} req/s` : ''}`);
      return measured(name, () => runHttpPhase({
        name,
        url,
        path: options.path,
        headers: auth,
        bodyTemplate: options.body,
        eventsPerRequest: options.events,
        connections: options.connections,
        seconds: options.seconds,
        ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
      }));
    };
    const httpPhase = async (
      name: string,
      options: { path: string; body: string; events: number; connections: number; seconds: number; overallRate?: number },
    ): Promise<HttpPhaseResult> => {
      const result = await load(name, service.url, options);
      await countPhase(name, result.ok * options.events, result.inFlightAtCutoff * options.events);
      if (service.exited()) throw new Error(`ingest exited during ${name}:\n${service.output().slice(-4000)}`);
      return result;
    };

    const single = { path: '/v1/track', body: trackBodyTemplate(), events: 1 };
    if (settings.warmupSeconds > 0) {
      results.warmup = await httpPhase('warm-up (/v1/track)', { ...single, connections: settings.connections, seconds: settings.warmupSeconds });
    }
    if (settings.scenarios.has('single')) {
      results.single = await httpPhase('(a) /v1/track, max', { ...single, connections: settings.connections, seconds: settings.seconds });
    }

    if (settings.scenarios.has('bare')) {
      log('starting the bare HTTP server (baseline of single calls)');
      bare = await startServiceProcess({ script: 'bench/src/bare-http-server.ts', env: {} });
      const bareUrl = bare.url;
      if (settings.warmupSeconds > 0) {
        await load('warm-up (bare HTTP)', bareUrl, { ...single, connections: settings.connections, seconds: settings.warmupSeconds });
      }
      results.bare = await load('bare node:http server (baseline)', bareUrl, { ...single, connections: settings.connections, seconds: settings.seconds });
      await bare.stop();
      bare = undefined;
    }

    let baselineTopic: string | undefined;
    let rawWarmupEvents = 0;
    if (settings.scenarios.has('raw')) {
      baselineTopic = `${namespace}.bench.raw-baseline.v1`;
      await admin.createTopics({
        topics: [
          {
            topic: baselineTopic,
            numPartitions: topics.rawEvents.partitions,
            configEntries: [
              { name: 'cleanup.policy', value: topics.rawEvents.cleanupPolicy },
              ...(topics.rawEvents.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(topics.rawEvents.retentionMs) }]),
            ],
          },
        ],
        waitForLeaders: false,
      });
      await waitForTopicLeaders(admin, [baselineTopic]);
      rawProducer = await connectRawProducer({
        brokers: urls.kafkaBrokers,
        topic: baselineTopic,
        encode: (event: Parameters<typeof rawCodec.encode>[0]) => rawCodec.encode(event),
        sourceId: source.id,
        eventsPerSend: settings.batchSize,
        concurrency: settings.batchConnections,
      });
      if (settings.warmupSeconds > 0) {
        log(`raw producer warm-up: ${settings.warmupSeconds} s`);
        const warmup = await rawProducer.run(settings.warmupSeconds);
        // What the warm-up put on the topic, late acknowledgements included.
        rawWarmupEvents = warmup.events + warmup.lateEvents;
      }
    }

    let batch: { path: string; body: string; events: number; connections: number } | undefined;
    if (settings.scenarios.has('batch')) {
      const openapi = (await (await fetch(`${ingest.url}/openapi.json`)).json()) as { paths?: Record<string, unknown> };
      if (openapi.paths?.['/v1/batch'] === undefined) {
        results.batchMissing = 'services/ingest does not serve POST /v1/batch (not in its /openapi.json): scenario (b) has no figures';
        log(results.batchMissing);
      } else {
        batch = {
          path: '/v1/batch',
          body: batchBodyTemplate(settings.batchSize),
          events: settings.batchSize,
          connections: settings.batchConnections,
        };
        if (settings.warmupSeconds > 0) {
          results.batchWarmup = await httpPhase('warm-up (/v1/batch)', { ...batch, seconds: settings.warmupSeconds });
        }
      }
    }

    // Steal comes and goes within seconds: alternating short rounds exposes the baseline and (b) to it alike.
    const interleaved = rawProducer !== undefined && batch !== undefined;
    const rounds = interleaved ? settings.ratioRounds : 1;
    const seconds = interleaved ? roundSeconds(settings) : settings.seconds;
    const producer = rawProducer;
    const rawRuns: RawProducerResult[] = [];
    const batchRuns: HttpPhaseResult[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const ofRound = interleaved ? ` (round ${round}/${rounds})` : undefined;
      const rawName = `raw kafkajs producer${ofRound ?? ' (baseline)'}`;
      if (producer) log(`${rawName}: ${seconds} s, ${settings.batchConnections} sends of ${settings.batchSize} in flight`);
      const raw = producer ? await measured(rawName, () => producer.run(seconds)) : undefined;
      const batchRun = batch ? await httpPhase(`(b) /v1/batch ×${settings.batchSize}${ofRound ?? ', max'}`, { ...batch, seconds }) : undefined;
      if (raw) rawRuns.push(raw);
      if (batchRun) batchRuns.push(batchRun);
      if (raw && batchRun) results.ratioRounds.push({ rawName, raw, batch: batchRun });
    }
    if (baselineTopic !== undefined) {
      const producedEvents = (await settledRecordCount(admin, baselineTopic)) - rawWarmupEvents;
      results.raw = { ...combineRuns(rawRuns), producedEvents, warmupEvents: rawWarmupEvents };
    }
    if (batch) results.batch = batchRuns;

    if (settings.scenarios.has('rate')) {
      results.rate = await httpPhase(`(c) /v1/track @${settings.rate}/s (autocannon)`, {
        ...single,
        connections: settings.rateConnections,
        seconds: settings.seconds,
        overallRate: settings.rate,
      });
    }

    if (settings.scenarios.has('paced')) {
      const name = `(d) /v1/track @${settings.rate}/s (evenly paced)`;
      log(`${name}: ${settings.seconds} s`);
      results.paced = await measured(name, () => runPacedPhase({
        name,
        url: service.url,
        path: '/v1/track',
        headers: auth,
        body: trackBody,
        rate: settings.rate,
        seconds: settings.seconds,
        maxSockets: settings.connections,
        drainTimeoutMs: Math.max(30_000, settings.seconds * 3000),
      }));
      await countPhase(name, results.paced.ok, results.paced.unanswered);
    }

    results.rawTopicTotal = await topicRecordCount(admin, rawTopic);
    results.serviceLogLines = ingest.logLineCount();
  } catch (err) {
    results.fatal = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    results.loadAfter = os.loadavg();
    await cleanUp();
    clearTimeout(watchdog);
  }
  return printReport(settings, results, urls.kafkaBrokers);
}

function printReport(settings: Settings, r: RunResults, brokers: string[]): number {
  const out: string[] = [];
  const problems: string[] = [];
  const cpus = os.cpus();
  out.push('', `CJO ingest benchmark — ${r.startedAt.toISOString()}`);
  out.push(
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; node ${process.version}`,
  );
  out.push(`load average (1/5/15 min): before ${r.loadBefore.map((l) => l.toFixed(2)).join('/')}, after ${r.loadAfter.map((l) => l.toFixed(2)).join('/')}`);
  const version = kafkaVersionOfLocalJars();
  out.push(`kafka: ${brokers.join(',')}${version ? ` (Apache Kafka ${version}, deploy/local/kafka)` : ''}; ${r.cluster || 'not reached'}`);
  out.push(
    `setup: ingest as its own process (LOG_LEVEL=warn, RATE_LIMIT_PER_SECOND=0), namespace ${r.namespace}; load generator (autocannon ${autocannonVersion()}) in this process on the same machine; ` +
      `phases of ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up; loopback only`,
  );

  if (r.fatal !== undefined) {
    problems.push('the run did not complete');
    out.push('', banner('RUN FAILED'), r.fatal);
  }

  // Throughput and latency.
  const rows: string[][] = [];
  const httpRow = (name: string, phases: HttpPhaseResult[], detail: string): void => {
    const total = totalOf(phases);
    rows.push([
      name,
      detail,
      int(total.eventsPerSec),
      int(total.reqPerSec),
      ms(total.p50),
      ms(total.p99),
      int(total.ok),
      total.errors === 0 ? '0' : `${int(total.errors)} ⚠`,
    ]);
    for (const p of phases) {
      if (p.non2xx + p.errors > 0) {
        problems.push(`${p.name}: ${int(p.non2xx)} non-2xx (${p.statuses.describeNon2xx() || '-'}), ${int(p.errors)} errors/timeouts`);
      }
    }
  };
  const batchName = `(b) /v1/batch ×${settings.batchSize}, max`;
  if (r.raw) {
    rows.push([
      'raw kafkajs producer (baseline)',
      `${settings.batchConnections}×${settings.batchSize} ev/send`,
      int(rawEventsPerSec(r.raw)),
      `${int(r.raw.sends / r.raw.seconds)} sends/s`,
      ms(r.raw.latency.p50),
      ms(r.raw.latency.p99),
      `${int(r.raw.sends)} sends`,
      r.raw.errors === 0 ? '0' : `${int(r.raw.errors)} ⚠`,
    ]);
    if (r.raw.errors > 0) problems.push(`raw producer: ${r.raw.errors} failed sends (${r.raw.firstError})`);
  }
  if (r.bare) httpRow(r.bare.name, [r.bare], `${settings.connections} conns`);
  if (r.single) httpRow(r.single.name, [r.single], `${settings.connections} conns`);
  if (r.batch) httpRow(batchName, r.batch, `${settings.batchConnections} conns`);
  if (r.batchMissing) rows.push([batchName, 'NOT RUN', '-', '-', '-', '-', '-', '-']);
  if (r.rate) httpRow(r.rate.name, [r.rate], `${Math.min(settings.rateConnections, settings.rate)} conns`);
  if (r.paced) {
    const p = r.paced;
    const errors = p.non2xx + p.errors + p.unanswered;
    rows.push([p.name, `≤${settings.connections} conns`, int(p.ok / p.seconds), int(p.ok / p.seconds), ms(p.latency.p50), ms(p.latency.p99), int(p.ok), errors === 0 ? '0' : `${int(errors)} ⚠`]);
    if (errors > 0) {
      problems.push(
        `${p.name}: ${int(p.non2xx)} non-2xx (${p.statuses.describeNon2xx() || '-'}), ${int(p.errors)} errors/timeouts, ${int(p.unanswered)} unanswered at the drain timeout`,
      );
    }
  }
  out.push(
    '',
    table(['scenario', 'load', 'events/s', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'errors'], rows, [false, false, true, true, true, true, true, true]),
  );
  out.push(
    'req/s and events/s count acknowledged (2xx) requests only, over the phase duration. Latency: exact percentiles of every response,',
    'from the request written to the response read (raw producer: per send, build+encode+send until acked). (d) is an open-loop',
    'load at an even rate whose latency counts from when each request was due (free of coordinated omission).',
  );
  if (r.ratioRounds.length > 0) {
    out.push(
      `The raw baseline and (b) ran in ${r.ratioRounds.length} alternating rounds (below); their rows are totals: events/s over all rounds' seconds,`,
      "the raw producer's percentiles over every send of every round, (b)'s the highest of its rounds' (an upper bound of the percentile over",
      'all its responses: a phase keeps only its own percentiles).',
    );
  }
  if (r.rate) {
    out.push(
      `(c) autocannon overallRate sends each connection's per-second quota back to back at the start of every second; achieved ${int(r.rate.ok / r.rate.seconds)} req/s;` +
        ` autocannon's own p50/p99 (with its coordinated-omission correction): ${ms(r.rate.autocannon.p50)}/${ms(r.rate.autocannon.p99)} ms.`,
    );
  }
  for (const warmup of [r.warmup, r.batchWarmup]) {
    if (warmup === undefined) continue;
    const errors = warmup.non2xx + warmup.errors;
    out.push(`${warmup.name} (not in the table): ${int(warmup.ok)} × 2xx, ${int(errors)} errors.`);
    if (errors > 0) problems.push(`${warmup.name}: ${int(warmup.non2xx)} non-2xx (${warmup.statuses.describeNon2xx() || '-'}), ${int(warmup.errors)} errors/timeouts`);
  }

  const batchTotal = r.batch ? totalOf(r.batch) : undefined;
  const batchEps = batchTotal?.eventsPerSec ?? Number.NaN;
  const batchClean = batchTotal?.errors === 0;
  const rawEps = r.raw ? rawEventsPerSec(r.raw) : Number.NaN;
  const roundRatio = (round: RatioRound): number => eventsPerSec(round.batch) / rawEventsPerSec(round.raw);
  const ratios = r.ratioRounds.map(roundRatio);
  const medianRatio = median(ratios);
  if (r.ratioRounds.length > 0) {
    const steal = (name: string): string => percent(r.cpu.find((phase) => phase.name === name)?.use.steal);
    out.push(
      '',
      `ratio per round (raw baseline, then (b), ${roundSeconds(settings)} s each)`,
      table(
        ['round', 'raw events/s', 'batch events/s', 'ratio', 'raw steal', 'batch steal'],
        r.ratioRounds.map((round, i) => [
          String(i + 1),
          int(rawEventsPerSec(round.raw)),
          int(eventsPerSec(round.batch)),
          ratio(roundRatio(round)),
          steal(round.rawName),
          steal(round.batch.name),
        ]),
        [true, true, true, true, true, true],
      ),
      `ratio of the totals: ${ratio(batchEps / rawEps)} (${int(batchEps)} / ${int(rawEps)} events/s). The target takes the median of the rounds' ratios,`,
      'which a single round that steal or other load hit on one side only moves less.',
    );
  }

  if (r.cpu.length > 0) {
    const acked = new Map(r.counted.map((phase) => [phase.name, phase.ackedEvents]));
    const perEvent = (name: string, use: CpuUse): string => {
      const ackedEvents = acked.get(name);
      return ackedEvents === undefined ? '-' : int(ingestMicrosPerEvent(use, ackedEvents));
    };
    out.push(
      '',
      `CPU during each phase, in % of one core (the machine has ${cpus.length} cores: ${cpus.length * 100}% is all of it)`,
      table(
        ['phase', 'ingest', 'ingest CPU µs/event', 'bare server', 'this process (load gen / raw producer)', 'kafka broker', 'redis', 'irq+softirq', 'other', 'all busy', 'steal'],
        r.cpu.map(({ name, use }) => [
          name,
          percent(use.byProcess.get('ingest')),
          perEvent(name, use),
          percent(use.byProcess.get('bare')),
          percent(use.bench),
          percent(use.byProcess.get('kafka')),
          percent(use.byProcess.get('redis')),
          percent(use.irq),
          percent(othersOf(use)),
          percent(use.machine),
          percent(use.steal),
        ]),
        [false, true, true, true, true, true, true, true, true, true, true],
      ),
      "ingest CPU µs/event: ingest's CPU time during the phase divided by the events it acknowledged (phases on ingest only). Other",
      'processes and steal slow ingest down more than they make it work more, so this moves less than events/s between runs.',
    );
    const noisy = r.cpu.filter(({ use }) => (othersOf(use) ?? 0) + (use.steal ?? 0) > NOISE_LIMIT_PCT);
    if (noisy.length > 0) {
      out.push(
        `NOTE: other processes or the hypervisor (steal) took more than ${NOISE_LIMIT_PCT}% of a core during ${noisy.map(({ name }) => name).join('; ')}: ` +
          'those figures are lower than on a quiet machine.',
      );
    }
    if (r.kafkaPid === undefined) out.push('(kafka broker: not the one deploy/local/kafka/kafka.sh started, so its CPU is not shown)');
  }

  // Targets.
  const target = (name: string, measured: string, pass: boolean | undefined, why = ''): string[] => [
    name,
    measured,
    pass === undefined ? `NO DATA${why ? ` (${why})` : ''}` : pass ? 'PASS' : `MISS${why ? ` (${why})` : ''}`,
  ];
  const clean = (p: HttpPhaseResult | undefined): boolean => p !== undefined && p.non2xx + p.errors === 0;
  const singleRps = r.single ? r.single.ok / r.single.seconds : Number.NaN;
  const bareRps = r.bare ? r.bare.ok / r.bare.seconds : Number.NaN;
  const rateCheck = (achieved: number, p99: number, errorFree: boolean): [boolean, string] => {
    if (!errorFree) return [false, 'errors'];
    if (achieved < settings.rate * 0.98) return [false, `only ${int(achieved)} req/s reached`];
    return [p99 < TARGETS.p99Ms, ''];
  };
  const targetRows: string[][] = [
    r.batch
      ? target(`/v1/batch events/s ≥ ${int(TARGETS.batchEventsPerSec)}`, int(batchEps), batchClean && batchEps >= TARGETS.batchEventsPerSec, batchClean ? '' : 'errors')
      : target(`/v1/batch events/s ≥ ${int(TARGETS.batchEventsPerSec)}`, '-', undefined, r.batchMissing ? 'no /v1/batch' : 'not run'),
    r.single
      ? target(`/v1/track req/s ≥ ${int(TARGETS.singleReqPerSec)}`, int(singleRps), clean(r.single) && singleRps >= TARGETS.singleReqPerSec, clean(r.single) ? '' : 'errors')
      : target(`/v1/track req/s ≥ ${int(TARGETS.singleReqPerSec)}`, '-', undefined, 'not run'),
    r.single && r.bare
      ? ['/v1/track ÷ bare node:http server req/s (no target)', `${ratio(singleRps / bareRps)} (${int(singleRps)} / ${int(bareRps)})`, 'for reading the line above']
      : ['/v1/track ÷ bare node:http server req/s (no target)', '-', 'not run'],
    r.raw && r.ratioRounds.length > 0
      ? target(
          `batch / raw producer events/s ≥ ${TARGETS.ratio}`,
          `${ratio(medianRatio)} (median of ${ratios.length} rounds: ${[...ratios].sort((a, b) => a - b).map(ratio).join(', ')})`,
          batchClean && r.raw.errors === 0 && medianRatio >= TARGETS.ratio,
        )
      : target(`batch / raw producer events/s ≥ ${TARGETS.ratio}`, '-', undefined, r.batchMissing ? 'no /v1/batch' : 'not run'),
  ];
  if (r.rate) {
    const [pass, why] = rateCheck(r.rate.ok / r.rate.seconds, r.rate.latency.p99, clean(r.rate));
    targetRows.push(target(`p99 < ${TARGETS.p99Ms} ms at ${int(settings.rate)} req/s, (c) autocannon`, `${ms(r.rate.latency.p99)} ms`, pass, why));
  } else {
    targetRows.push(target(`p99 < ${TARGETS.p99Ms} ms at ${int(settings.rate)} req/s, (c) autocannon`, '-', undefined, 'not run'));
  }
  if (r.paced) {
    const p = r.paced;
    const [pass, why] = rateCheck(p.achievedRate, p.latency.p99, p.non2xx + p.errors + p.unanswered === 0);
    targetRows.push(target(`p99 < ${TARGETS.p99Ms} ms at ${int(settings.rate)} req/s, (d) evenly paced`, `${ms(p.latency.p99)} ms`, pass, why));
  }
  out.push('', 'targets (issue 3)', table(['target', 'measured', 'result'], targetRows));

  // Produced vs acknowledged.
  const countRows: string[][] = [];
  let ackedTotal = 0;
  let unknownTotal = 0;
  for (const phase of r.counted) {
    ackedTotal += phase.ackedEvents;
    unknownTotal += phase.unknownEvents;
    const extra = phase.producedEvents - phase.ackedEvents;
    let verdict: string;
    if (extra === 0) verdict = 'OK, equal';
    else if (extra > 0 && extra <= phase.unknownEvents) verdict = `OK (+${int(extra)} from requests in flight at the cut-off)`;
    else if (extra < 0) verdict = `MISMATCH: ${int(-extra)} acknowledged events missing`;
    else verdict = `MISMATCH: ${int(extra - phase.unknownEvents)} events more than acknowledged + in flight`;
    if (verdict.startsWith('MISMATCH')) problems.push(`${phase.name}: ${verdict}`);
    countRows.push([phase.name, int(phase.ackedEvents), int(phase.unknownEvents), int(phase.producedEvents), verdict]);
  }
  if (r.raw) {
    const ok = r.raw.producedEvents === r.raw.events + r.raw.lateEvents;
    if (!ok) problems.push(`raw baseline: topic holds ${r.raw.producedEvents} events, ${r.raw.events} + ${r.raw.lateEvents} (late) acknowledged`);
    countRows.push([
      'raw producer (own topic)',
      int(r.raw.events),
      int(r.raw.lateEvents),
      int(r.raw.producedEvents),
      ok ? (r.raw.lateEvents > 0 ? `OK (+${int(r.raw.lateEvents)} acknowledged after the cut-off)` : 'OK, equal') : 'MISMATCH',
    ]);
  }
  if (countRows.length > 0) {
    out.push(
      '',
      'produced vs acknowledged (raw topic: sum of partition high watermarks, per phase after it settled)',
      table(['phase', 'acked events', 'in flight at cut-off', 'on topic', 'check'], countRows, [false, true, true, true, false]),
    );
    if (r.rawTopicTotal !== undefined) {
      out.push(
        `${rawTopicName(r.namespace)}: ${int(r.rawTopicTotal)} records in all; 200-acknowledged events: ${int(ackedTotal)}; ` +
          `events in requests cut off by the end of a phase (outcome unknown to the client): ${int(unknownTotal)}.`,
      );
    }
  }
  if (r.serviceLogLines !== undefined && r.serviceLogLines > 0) {
    out.push(`ingest wrote ${r.serviceLogLines} log line(s) at warn level or above during the run.`);
  }
  out.push(r.cleanupFailures.length === 0 ? `cleanup: removed ${r.namespace}.* topics, schema ${r.namespace}_ingest, redis ${r.namespace}:*` : '');
  if (r.cleanupFailures.length > 0) problems.push(...r.cleanupFailures.map((f) => `cleanup: ${f}`));
  if (r.batchMissing) problems.push(r.batchMissing);

  if (problems.length > 0) {
    out.push('', banner(`THIS RUN HAD ${problems.length} PROBLEM(S): ITS NUMBERS ARE NOT CLEAN`), ...problems.map((p) => `  - ${p}`));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return problems.length > 0 ? 1 : 0;
}

function rawTopicName(namespace: string): string {
  return `${namespace}.${topics.rawEvents.name}`;
}

function autocannonVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('autocannon/package.json') as { version: string }).version;
  } catch {
    return '?';
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
