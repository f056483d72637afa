import { createMemoryBus } from '@cjo/bus';
import { createContract, topicSpecs, type RawEvent } from '@cjo/contract';
import { createHttpApp, type HttpApp } from '@cjo/http';
import { createMemoryKv, createRedisKv, type Kv } from '@cjo/kv';
import { createLogger, type Logger } from '@cjo/log';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { infraUrls, uniqueName } from '@cjo/testkit';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createIngestService, ingestMigrationsDir, type IngestServiceDeps } from '../../src';
import { recordingBus, type RecordingBus } from './recording-bus';

export const ADMIN_TOKEN = 'admin-token-for-tests';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export function basicAuth(writeKey: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
}

export type IngestTestConfig = IngestServiceDeps['config'];

/** Short windows, so the keys the tests leave in Redis expire within minutes. */
export const testConfig: IngestTestConfig = {
  CJO_ADMIN_TOKEN: ADMIN_TOKEN,
  SOURCE_CACHE_TTL_MS: 60_000,
  SOURCE_LOCAL_CACHE_TTL_MS: 2_000,
  TRUSTED_PROXIES: [],
  RATE_LIMIT_PER_SECOND: 0,
  RATE_LIMIT_BURST: 10_000,
  DEDUPE_WINDOW_MS: 120_000,
  DEDUPE_PENDING_TTL_MS: 30_000,
  TRACKING_LOG_LEVEL: 'warn',
};

export interface HarnessOptions {
  config?: Partial<IngestTestConfig>;
  now?: () => number;
  /** redis (default): a real Redis under a unique key prefix; memory: an in-process Kv; or a Kv of the test's own. */
  kv?: 'redis' | 'memory' | Kv;
  /** The app's and the service's logger (silent unless given). */
  logger?: Logger;
}

export interface IngestHarness {
  app: HttpApp;
  bus: RecordingBus;
  kv: Kv;
  testDb: TestDb;
  /** The raw events every acknowledged publish call carried, decoded, in order. */
  published(): RawEvent[];
  /** How many publish calls reached the raw topic. */
  publishCalls(): number;
  createSource(name?: string): Promise<{ id: string; name: string; writeKey: string }>;
  post(url: string, payload: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  dispose(): Promise<void>;
}

const contract = createContract();
const silent = createLogger({ name: 'ingest-test', level: 'silent' });

/** The ingest service on a memory bus, a fresh Postgres schema and Redis (or an in-process Kv). */
export async function startIngest(options: HarnessOptions = {}): Promise<IngestHarness> {
  // Teardown of what was created, run in reverse even when start-up failed halfway.
  const cleanups: Array<() => Promise<void>> = [];
  const dispose = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  const logger = options.logger ?? silent;
  try {
    const bus = recordingBus(createMemoryBus());
    cleanups.push(() => bus.close());
    await bus.ensureTopics(topicSpecs());
    const testDb = await createTestDb('ingest_test', ingestMigrationsDir);
    cleanups.push(() => testDb.dispose());
    const kv =
      typeof options.kv === 'object'
        ? options.kv
        : options.kv === 'memory'
          ? createMemoryKv()
          : createRedisKv({ url: infraUrls().redisUrl, prefix: `${uniqueName('ingest_test')}:` });
    cleanups.push(() => kv.close());
    const service = createIngestService({
      config: { ...testConfig, ...options.config },
      logger,
      bus,
      db: testDb.db,
      kv,
      contract,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    // Runs after the app closed and before the Kv does, as in the services' composition roots.
    cleanups.push(() => service.stop());
    const app = await createHttpApp({ logger, serviceName: 'ingest' });
    cleanups.push(() => app.close());
    await app.register(service.routes ?? (async () => undefined));
    await app.ready();

    const codec = contract.codec('rawEvents');
    const rawCalls = () => bus.calls.filter((call) => call.topic === codec.topic);
    const inject = (injectOptions: InjectOptions) => app.inject(injectOptions);
    return {
      app,
      bus,
      kv,
      testDb,
      published: () => rawCalls().flatMap((call) => call.messages.map((message) => codec.decode(message.value))),
      publishCalls: () => rawCalls().length,
      async createSource(name = 'website') {
        const response = await inject({ method: 'POST', url: '/v1/sources', headers: admin, payload: { name } });
        if (response.statusCode !== 201) throw new Error(`create source: ${response.statusCode} ${response.body}`);
        return response.json();
      },
      post: (url, payload, headers = {}) =>
        inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...headers },
          payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
        }),
      inject,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
