import { createMemoryBus, publishRecords, type MemoryBus } from '@cjo/bus';
import { loadConfig } from '@cjo/config';
import { createContract, topicSpecs, type Contract, type Decision, type DeliveryOutcome } from '@cjo/contract';
import { createPgliteDb, migrate, type Db } from '@cjo/db';
import { createMemoryKv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { collectRecords, sampleDecision, type Collected } from '@cjo/service-testkit';
import { uniqueName, waitFor } from '@cjo/testkit';
import { createDeliveryService, deliveryConfigSchema, deliveryMigrationsDir } from '../src/index';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

describe('delivery service (memory bus, PGlite, real HTTP receiver)', () => {
  let receiver: WebhookReceiver;
  let bus: MemoryBus;
  let db: Db;
  let contract: Contract;
  let service: ServiceModule;
  let outcomes: Collected<DeliveryOutcome>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    bus = createMemoryBus();
    await bus.ensureTopics(topicSpecs());
    db = createPgliteDb({ schema: 'delivery' });
    await migrate(db, { dir: deliveryMigrationsDir });
    contract = createContract();
    service = createDeliveryService({
      config: loadConfig(deliveryConfigSchema, { WEBHOOK_TIMEOUT_MS: '300' }),
      consumerGroup: 'delivery',
      logger: createLogger({ name: 'delivery-test', level: 'silent' }),
      bus,
      db,
      kv: createMemoryKv(),
      contract,
    });
    await service.start();
    outcomes = await collectRecords(bus, contract.codec('deliveryOutcomes'));
  });

  afterAll(async () => {
    await service.stop();
    await outcomes.stop();
    await bus.close();
    await db.close();
    await receiver.close();
  });

  /** A decision of its own for each test: its id is the delivery id, its path tells the receiver's requests apart. */
  function freshDecision(overrides: Partial<Decision> = {}): { value: Decision; path: string } {
    const id = uniqueName('decision');
    const path = `/hook/${id}`;
    return { value: sampleDecision({ decisionId: id, requestId: id, destination: receiver.url(path), ...overrides }), path };
  }

  function publish(value: Decision): Promise<void> {
    return publishRecords(bus, contract.codec('decisions'), [{ key: value.profileId, value }]);
  }

  function outcomesOf(deliveryId: string, count = 1): Promise<DeliveryOutcome[]> {
    return waitFor(
      () => {
        const found = outcomes.records.filter((outcome) => outcome.deliveryId === deliveryId);
        return found.length >= count ? found : null;
      },
      { message: `${count} outcome(s) for ${deliveryId}` },
    );
  }

  it('posts the rendered content with an idempotency key and reports it delivered', async () => {
    const { value, path } = freshDecision();
    await publish(value);

    const [outcome] = await outcomesOf(value.decisionId);
    expect(outcome).toMatchObject({
      deliveryId: value.decisionId,
      decisionId: value.decisionId,
      journeyId: 'journey-1',
      profileId: 'profile-1',
      channel: 'webhook',
      destination: value.destination,
      status: 'delivered',
      attempts: 1,
      httpStatus: 200,
      error: null,
    });
    const [request] = receiver.received(path);
    expect(request?.headers['idempotency-key']).toBe(value.decisionId);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      deliveryId: value.decisionId,
      decisionId: value.decisionId,
      journeyId: 'journey-1',
      profileId: 'profile-1',
      channel: 'webhook',
      content: 'Thanks Ada for 42',
    });
  });

  it('retries a 500 and delivers on the next attempt with the same idempotency key', async () => {
    const { value, path } = freshDecision();
    receiver.script(path, [{ status: 500 }]);
    await publish(value);

    const [outcome] = await outcomesOf(value.decisionId);
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 2, httpStatus: 200, error: null });
    const keys = receiver.received(path).map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual([value.decisionId, value.decisionId]);
  });

  it('retries after a timeout', async () => {
    const { value, path } = freshDecision();
    receiver.script(path, [{ status: 200, delayMs: 2000 }]);
    await publish(value);

    const [outcome] = await outcomesOf(value.decisionId);
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 2, httpStatus: 200 });
  });

  it('reports a 400 as failed without retrying', async () => {
    const { value, path } = freshDecision();
    receiver.script(path, [{ status: 400 }]);
    await publish(value);

    const [outcome] = await outcomesOf(value.decisionId);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 400, error: 'http_400' });
    expect(receiver.received(path)).toHaveLength(1);
  });

  it('does not send a redelivered decision twice', async () => {
    const { value, path } = freshDecision();
    await publish(value);
    const [first] = await outcomesOf(value.decisionId);

    await publish(value);
    // The redelivery republishes the stored outcome instead of calling the receiver again.
    const both = await outcomesOf(value.decisionId, 2);
    expect(both[1]).toEqual(first);
    expect(receiver.received(path)).toHaveLength(1);
  });

  it('fails decisions for channels it cannot deliver', async () => {
    const { value, path } = freshDecision({ channel: 'carrier-pigeon' });
    await publish(value);

    const [outcome] = await outcomesOf(value.decisionId);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 0, httpStatus: null, error: 'unsupported_channel' });
    expect(receiver.received(path)).toHaveLength(0);
  });
});
