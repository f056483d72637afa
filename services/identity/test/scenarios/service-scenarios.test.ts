import { randomBytes } from 'node:crypto';
import { createMemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { createPgliteDb, migrate, type Db } from '@cjo/db';
import { createMemoryKv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra } from '@cjo/testkit';
import { identityMigrationsDir } from '../../src';
import { startIdentity, type IdentityHarness } from '../support/identity-harness';
import { createTestNamespace, type TestNamespace } from '../support/infra';
import { serviceWorld } from '../support/service-world';
import { scenarios } from './scenarios';

const logger = createLogger({ name: 'identity-scenarios', level: 'silent' });

function runScenarios(context: () => { harness: IdentityHarness; db: Db }): void {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { harness, db } = context();
      const suffix = randomBytes(4).toString('hex');
      await scenario.run(serviceWorld(harness, db), (name) => `${name}-${suffix}`);
    }, 60_000);
  }
}

describeWithInfra(['kafka', 'postgres', 'redis'], 'identity scenarios on Kafka, Postgres and Redis', () => {
  let namespace: TestNamespace;
  let testDb: TestDb;
  let harness: IdentityHarness;

  beforeAll(async () => {
    namespace = await createTestNamespace('identity_scenarios', logger);
    testDb = await createTestDb('identity_scenarios', identityMigrationsDir);
    harness = await startIdentity({
      bus: namespace.bus,
      db: testDb.db,
      kv: namespace.kv(),
      contract: createContract({ namespace: namespace.topicPrefix }),
      logger,
    });
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await testDb?.dispose();
    await namespace?.dispose();
  }, 60_000);

  runScenarios(() => ({ harness, db: testDb.db }));
});

describe('identity scenarios in the embedded shape (memory bus, PGlite, memory KV)', () => {
  let db: Db;
  let harness: IdentityHarness;
  const bus = createMemoryBus();

  beforeAll(async () => {
    await bus.ensureTopics(topicSpecs());
    db = createPgliteDb({ schema: 'identity' });
    await migrate(db, { dir: identityMigrationsDir });
    harness = await startIdentity({ bus, db, kv: createMemoryKv(), contract: createContract(), logger });
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await bus.close();
    await db?.close();
  });

  runScenarios(() => ({ harness, db }));
});
