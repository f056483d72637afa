import { createMemoryBus, publishRecords, type MemoryBus } from '@cjo/bus';
import { loadConfig } from '@cjo/config';
import { createContract, topicSpecs, type Contract, type Decision, type DecisionRequested } from '@cjo/contract';
import { createPgliteDb, migrate, type Db } from '@cjo/db';
import { createHttpApp, type HttpApp } from '@cjo/http';
import { createMemoryKv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { collectRecords, type Collected } from '@cjo/service-testkit';
import { uniqueName, waitFor } from '@cjo/testkit';
import { createDecisioningService, decisioningConfigSchema, decisioningMigrationsDir } from '../src/index';

const token = 'decisioning-test-token';
const auth = { authorization: `Bearer ${token}` };

describe('decisioning service (memory bus, PGlite)', () => {
  let bus: MemoryBus;
  let db: Db;
  let contract: Contract;
  let service: ServiceModule;
  let successor: ServiceModule | undefined;
  let app: HttpApp;
  let decisions: Collected<Decision>;
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    const logger = createLogger({ name: 'decisioning-test', level: 'silent' });
    bus = createMemoryBus();
    await bus.ensureTopics(topicSpecs());
    db = createPgliteDb({ schema: 'decisioning' });
    await migrate(db, { dir: decisioningMigrationsDir });
    contract = createContract();
    service = newService();
    app = await createHttpApp({ logger, serviceName: 'decisioning' });
    if (service.routes !== undefined) await app.register(service.routes);
    await app.ready();
    await service.start();
    decisions = await collectRecords(bus, contract.codec('decisions'));
  });

  afterAll(async () => {
    await app.close();
    await service.stop();
    await successor?.stop();
    await decisions.stop();
    await bus.close();
    await db.close();
  });

  function newService(): ServiceModule {
    return createDecisioningService({
      config: loadConfig(decisioningConfigSchema, { CJO_ADMIN_TOKEN: token }),
      consumerGroup: 'decisioning',
      logger: createLogger({ name: 'decisioning-test', level: 'silent' }),
      bus,
      db,
      kv: createMemoryKv(),
      contract,
      now: () => clock,
    });
  }

  function request(overrides: Partial<DecisionRequested> = {}): DecisionRequested {
    const instanceId = uniqueName('instance');
    return {
      requestId: `${instanceId}:action`,
      journeyId: 'journey-1',
      instanceId,
      profileId: 'profile-1',
      triggerMessageId: 'message-1',
      channel: 'webhook',
      candidates: [{ contentId: 'journey-1:action', destination: 'https://example.test/hook', template: 'Hi' }],
      contextJson: '{"profile":{"id":"profile-1","traits":{}}}',
      requestedAt: 1_700_000_000_000,
      ...overrides,
    };
  }

  function publish(...values: DecisionRequested[]): Promise<void> {
    return publishRecords(
      bus,
      contract.codec('decisionRequests'),
      values.map((value) => ({ key: value.profileId, value })),
    );
  }

  function decisionsFor(requestId: string, count = 1): Promise<Decision[]> {
    return waitFor(
      () => {
        const found = decisions.records.filter((decision) => decision.requestId === requestId);
        return found.length >= count ? found : null;
      },
      { message: `${count} decision(s) for ${requestId}` },
    );
  }

  it('decides on the candidate, publishes the decision and serves it over HTTP', async () => {
    const input = request();
    await publish(input);

    // The published decision and its HTTP view differ only in how context and time are written.
    const common = {
      decisionId: input.requestId,
      requestId: input.requestId,
      journeyId: 'journey-1',
      instanceId: input.instanceId,
      profileId: 'profile-1',
      channel: 'webhook',
      contentId: 'journey-1:action',
      destination: 'https://example.test/hook',
      template: 'Hi',
    };
    const [decision] = await decisionsFor(input.requestId);
    expect(decision).toEqual({ ...common, contextJson: input.contextJson, decidedAt: clock });

    const response = await app.inject({ method: 'GET', url: `/v1/decisions/${input.requestId}`, headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...common,
      context: { profile: { id: 'profile-1', traits: {} } },
      decidedAt: new Date(clock).toISOString(),
    });
  });

  it('publishes the stored decision again when a request is redelivered', async () => {
    const input = request();
    await publish(input);
    const [first] = await decisionsFor(input.requestId);

    clock += 60_000;
    await publish(input);
    const both = await decisionsFor(input.requestId, 2);
    expect(both[1]).toEqual(first);
  });

  it('drops requests without candidates', async () => {
    const empty = request({ candidates: [] });
    const after = request();
    await publish(empty, after);

    // Same key, so handled in order: once the later request is decided the empty one was seen.
    await decisionsFor(after.requestId);
    expect(decisions.records.filter((decision) => decision.requestId === empty.requestId)).toEqual([]);
    const stored = await db.query('SELECT 1 FROM decisions WHERE decision_id = $1', [empty.requestId]);
    expect(stored.rowCount).toBe(0);
  });

  it('guards the HTTP API with the admin token and answers 404 for unknown decisions', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/v1/decisions/anything' });
    expect(anonymous.statusCode).toBe(401);

    const unknown = await app.inject({ method: 'GET', url: '/v1/decisions/unknown', headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'decision unknown not found' } });
  });

  it('stops consuming on stop, which is safe to call again, and leaves the group to a successor', async () => {
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();

    const input = request();
    await publish(input);
    successor = newService();
    await successor.start();

    const [decision] = await decisionsFor(input.requestId);
    expect(decision?.decisionId).toBe(input.requestId);
  });
});
