import { createKafkaBus, createMemoryBus, publishRecords, type Bus } from '@cjo/bus';
import { loadConfig } from '@cjo/config';
import {
  createContract,
  topicSpecs,
  type Contract,
  type IdentityChanged,
  type ProfileChanged,
  type ProfileDeleted,
  type ResolvedEvent,
  type SegmentMembershipChanged,
} from '@cjo/contract';
import type { Db } from '@cjo/db';
import { createHttpApp, type HttpApp } from '@cjo/http';
import { createRedisKv, type Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { collectRecords, createTestDb, type Collected, type TestDb } from '@cjo/service-testkit';
import { infraUrls, uniqueName, waitFor } from '@cjo/testkit';
import { Kafka, logLevel } from 'kafkajs';
import type { LightMyRequestResponse } from 'fastify';
import { createProfilesService, profilesConfigSchema, profilesMigrationsDir } from '../../src';
import { realClock, type TestClock } from './test-clock';

export const ADMIN_TOKEN = 'admin-token-for-tests';
const logger = createLogger({ name: 'profiles-test', level: 'silent' });

export interface HarnessOptions {
  /** memory (default): the in-process bus; kafka: the real broker, under a namespace of the test's own. */
  bus?: 'memory' | 'kafka';
  /** Service settings as environment values (e.g. PROFILES_TIMER_POLL_MS: '50'). */
  env?: Record<string, string>;
  /** The service's clock; real time when omitted. */
  clock?: TestClock;
  /** Reuse another harness's database and bus (a second instance, or a restart). */
  shareWith?: ProfilesHarness;
  /** What the service gets instead of the database or the bus (e.g. one that fails a few times). */
  wrapDb?: (db: Db) => Db;
  wrapBus?: (bus: Bus) => Bus;
}

export interface ProfilesHarness {
  bus: Bus;
  contract: Contract;
  db: Db;
  kv: Kv;
  clock: TestClock;
  app: HttpApp;
  service: ServiceModule;
  memberships: Collected<SegmentMembershipChanged>;
  changes: Collected<ProfileChanged>;
  deletions: Collected<ProfileDeleted>;
  publish(...events: ResolvedEvent[]): Promise<void>;
  publishIdentity(...changes: IdentityChanged[]): Promise<void>;
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse>;
  /** Waits until `count` membership records arrived and returns them all. */
  membershipsAfter(count: number, timeoutMs?: number): Promise<SegmentMembershipChanged[]>;
  /** Stops this instance only (its database and bus stay for others sharing them). */
  stopService(): Promise<void>;
  dispose(): Promise<void>;
}

async function deleteKafkaNamespace(namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: 'profiles-test-cleanup', brokers: infraUrls().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** The profiles service on a fresh Postgres schema, real Redis, and the memory bus or a namespaced Kafka. */
export async function startProfiles(options: HarnessOptions = {}): Promise<ProfilesHarness> {
  const cleanups: Array<() => Promise<void>> = [];
  const dispose = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const shared = options.shareWith;
    const clock = options.clock ?? shared?.clock ?? realClock();
    let bus: Bus;
    let contract: Contract;
    let db: Db;
    if (shared !== undefined) {
      ({ bus, contract, db } = shared);
    } else if (options.bus === 'kafka') {
      const namespace = uniqueName('profiles_test');
      bus = createKafkaBus({ brokers: infraUrls().kafkaBrokers, clientId: namespace, logger });
      cleanups.push(() => deleteKafkaNamespace(namespace));
      cleanups.push(() => bus.close());
      await bus.ensureTopics(topicSpecs(`${namespace}.`));
      contract = createContract({ namespace: `${namespace}.` });
      const testDb: TestDb = await createTestDb('profiles_test', profilesMigrationsDir);
      cleanups.push(() => testDb.dispose());
      db = testDb.db;
    } else {
      bus = createMemoryBus();
      cleanups.push(() => bus.close());
      await bus.ensureTopics(topicSpecs());
      contract = createContract();
      const testDb: TestDb = await createTestDb('profiles_test', profilesMigrationsDir);
      cleanups.push(() => testDb.dispose());
      db = testDb.db;
    }
    const kv = createRedisKv({ url: infraUrls().redisUrl, prefix: `${uniqueName('profiles_test')}:` });
    cleanups.push(() => kv.close());
    const config = loadConfig(profilesConfigSchema, {
      CJO_ADMIN_TOKEN: ADMIN_TOKEN,
      PROFILES_TIMER_POLL_MS: '50',
      PROFILES_BACKFILL_POLL_MS: '100',
      PROFILES_CACHE_TTL_MS: '30000',
      // Tests use fixed dates in the past; the retention worker would prune their events at once.
      PROFILES_EVENT_RETENTION_DAYS: '3650',
      ...options.env,
    });
    const service = createProfilesService({
      config,
      logger,
      bus: options.wrapBus?.(bus) ?? bus,
      db: options.wrapDb?.(db) ?? db,
      kv,
      contract,
      consumerGroup: uniqueName('profiles'),
      now: clock.now,
    });
    const app = await createHttpApp({ logger, serviceName: 'profiles' });
    cleanups.push(() => app.close());
    await app.register(service.routes ?? (async () => undefined));
    await app.ready();

    const memberships = await collectRecords(bus, contract.codec('segmentMemberships'));
    cleanups.push(() => memberships.stop());
    const changes = await collectRecords(bus, contract.codec('profileChanges'));
    cleanups.push(() => changes.stop());
    const deletions = await collectRecords(bus, contract.codec('profileDeletions'));
    cleanups.push(() => deletions.stop());

    let serviceStopped: Promise<void> | undefined;
    const stopService = () => (serviceStopped ??= service.stop());
    await service.start();
    cleanups.push(stopService);

    return {
      bus,
      contract,
      db,
      kv,
      clock,
      app,
      service,
      memberships,
      changes,
      deletions,
      publish: (...events) =>
        publishRecords(bus, contract.codec('resolvedEvents'), events.map((value) => ({ key: value.profileId, value }))),
      publishIdentity: (...records) =>
        publishRecords(
          bus,
          contract.codec('identityChanges'),
          records.map((value) => ({ key: value.merged?.survivorProfileId ?? value.split?.fromProfileId ?? '', value })),
        ),
      api: (method, url, payload) =>
        app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          ...(payload === undefined ? {} : { payload }),
        }),
      async membershipsAfter(count, timeoutMs = 10_000) {
        await waitFor(() => memberships.records.length >= count, { timeoutMs, message: `${count} membership records` });
        return [...memberships.records];
      },
      stopService,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
