import { randomUUID } from 'node:crypto';
import { createKafkaBus, subscribeRecords, type Subscription } from '@cjo/bus';
import { createContract } from '@cjo/contract';
import { createLogger } from '@cjo/log';
import { describeWithInfra, freePort, uniqueName, waitFor } from '@cjo/testkit';
import { removeNamespace } from './infra-cleanup';
import { createSource } from './platform-client';
import { privateBroker, type PrivateBroker } from './private-broker';
import { startServiceProcess, type ServiceProcess } from './service-process';

const adminToken = 'broker-outage-admin-token';

/**
 * Kafka goes away under a running ingest process and comes back: while it is
 * gone ingest answers 503 with Retry-After (never 200), and every event it
 * did acknowledge is on the topic once the broker is back.
 */
describeWithInfra(['postgres', 'redis'], 'ingest while its Kafka broker goes away and comes back', () => {
  const namespace = uniqueName('outage');
  let broker: PrivateBroker;
  let ingest: ServiceProcess | undefined;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    broker = privateBroker(await freePort('127.0.0.1'), await freePort('127.0.0.1'));
    await broker.start();
  }, 150_000);

  afterAll(async () => {
    await subscription?.stop();
    await ingest?.kill('SIGTERM');
    await broker?.dispose();
    // The topics died with the private broker; the Postgres schema and Redis keys remain.
    await removeNamespace(namespace, ['ingest'], { kafka: false });
  }, 90_000);

  it('answers 503 with Retry-After while the broker is down and loses no acknowledged event', async () => {
    ingest = await startServiceProcess('ingest', {
      CJO_NAMESPACE: namespace,
      CJO_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'error',
      KAFKA_BROKERS: broker.brokers,
    });
    const writeKey = await createSource({ ingest: ingest.url, journeys: ingest.url }, adminToken, 'outage');
    const url = `${ingest.url}/v1/track`;
    const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const acknowledged: string[] = [];
    const send = async (messageId: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ userId: 'outage-user', event: 'Outage Test', messageId }),
      });
      if (response.status === 200) acknowledged.push(messageId);
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
    };

    expect((await send(`before-${randomUUID()}`)).status).toBe(200);

    await broker.stop();
    const startedAt = Date.now();
    const duringOutage = await send(`during-${randomUUID()}`);
    const answeredInMs = Date.now() - startedAt;
    expect(duringOutage).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    expect(duringOutage.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    // kafkajs's retries are bounded, so a dead broker fails a request in seconds, not minutes.
    expect(answeredInMs).toBeLessThan(30_000);

    await broker.start();
    // An SDK retries after Retry-After; do the same until the broker is back.
    const retried = `after-${randomUUID()}`;
    await waitFor(async () => (await send(retried)).status === 200, {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      message: 'ingest accepting events again after the broker came back',
    });

    const bus = createKafkaBus({ brokers: [broker.brokers], clientId: namespace, logger: createLogger({ name: 'outage', level: 'silent' }) });
    const seen = new Set<string>();
    subscription = await subscribeRecords(bus, {
      groupId: `${namespace}.check`,
      codec: createContract({ namespace: `${namespace}.` }).codec('rawEvents'),
      handler: async (event) => {
        seen.add(event.messageId);
        return { type: 'ok' };
      },
    });
    try {
      await waitFor(() => acknowledged.every((id) => seen.has(id)), { timeoutMs: 30_000, message: 'acknowledged events on the topic' });
    } finally {
      await subscription.stop();
      subscription = undefined;
      await bus.close();
    }
    expect(acknowledged).toHaveLength(2);
  }, 240_000);
});
