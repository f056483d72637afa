import { type MemoryBus, type TopicCodec, createBusMetrics, createMemoryBus, createRecordConsumer } from '@cjo/bus';
import { createHttpApp, metricsRegistryOf, type HttpApp } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { uniqueName, waitFor } from '@cjo/testkit';
import { modulesReady } from '../src';

const silent = createLogger({ name: 'readiness-test', level: 'silent' });

function module(name: string, isReady?: () => boolean): ServiceModule {
  return { name, start: async () => undefined, stop: async () => undefined, ...(isReady === undefined ? {} : { isReady }) };
}

describe('modulesReady', () => {
  test('is true when every module is ready or has no opinion, false when one is not', () => {
    expect(modulesReady([])).toBe(true);
    expect(modulesReady([module('ingest'), module('identity', () => true)])).toBe(true);
    expect(modulesReady([module('ingest'), module('identity', () => true), module('profiles', () => false)])).toBe(false);
  });
});

/** The composition runStandalone and the embedded platform use: one app, the bus reporting on its registry. */
describe('readiness and metrics of a composed service', () => {
  let app: HttpApp;
  let bus: MemoryBus;
  let codec: TopicCodec<string>;
  let started: boolean;
  const modules: ServiceModule[] = [];

  beforeEach(async () => {
    started = false;
    modules.length = 0;
    app = await createHttpApp({
      logger: silent,
      serviceName: 'readiness-test',
      isReady: () => started && modulesReady(modules),
    });
    // The bus logs a dropped record at debug level; a log stream that throws then breaks the runner itself.
    const logger = createLogger({
      name: 'readiness-test-bus',
      level: 'debug',
      destination: {
        write: (line: string) => {
          if (line.includes('"record dropped"')) throw new Error('log stream closed');
        },
      },
    });
    bus = createMemoryBus({ logger, metrics: createBusMetrics(metricsRegistryOf(app)) });
    codec = { topic: uniqueName('readiness'), encode: (value) => Buffer.from(value), decode: (buffer) => buffer.toString() };
    await bus.ensureTopics([{ name: codec.topic, partitions: 1, cleanupPolicy: 'delete' }]);
    await app.ready();
  });

  afterEach(async () => {
    await Promise.all(modules.map((each) => each.stop()));
    await bus.close();
    await app.close();
  });

  async function startOrders(): Promise<void> {
    const consumer = createRecordConsumer(bus, {
      name: 'orders',
      groupId: uniqueName('readiness_group'),
      codec,
      handler: async (value) => (value === 'skip' ? { type: 'drop', reason: 'not ours' } : { type: 'ok' }),
    });
    const orders: ServiceModule = {
      name: 'orders',
      start: () => consumer.start(),
      stop: () => consumer.stop(),
      isReady: () => consumer.isHealthy(),
    };
    modules.push(orders);
    await orders.start();
    started = true;
  }

  const readiness = async (): Promise<number> => (await app.inject({ url: '/health/ready' })).statusCode;

  test('/health/ready answers 503 once a consumer crashed', async () => {
    expect(await readiness()).toBe(503);
    await startOrders();
    expect(await readiness()).toBe(200);
    await bus.publish(codec.topic, [{ key: 'k', value: Buffer.from('skip') }]);
    await waitFor(async () => (await readiness()) === 503, { message: 'readiness failing after the crash' });
    expect((await app.inject({ url: '/health/ready' })).json()).toEqual({ status: 'not_ready' });
    // Liveness stays up: the process answers, it just must not get traffic meant for a working consumer.
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
  });

  test('/metrics serves the bus metrics next to the HTTP ones', async () => {
    await startOrders();
    await bus.publish(codec.topic, [{ key: 'k', value: Buffer.from('fine') }]);
    const metrics = async (): Promise<string> => (await app.inject({ url: '/metrics' })).body;
    const series = `[^}]*topic="${codec.topic}"[^}]*`;
    const processed = new RegExp(`^cjo_bus_messages_processed_total\\{${series}result="ok"[^}]*\\} 1$`, 'm');
    await waitFor(async () => processed.test(await metrics()), { message: 'the processed record on /metrics' });
    const text = await metrics();
    expect(text).toMatch(new RegExp(`^cjo_bus_messages_published_total\\{${series}\\} 1$`, 'm'));
    expect(text).toContain('# TYPE cjo_bus_handler_duration_seconds histogram');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/^cjo_bus_messages_processed_total\{[^}]*service="readiness-test"/m);
  });
});
