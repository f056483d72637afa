import { Registry } from 'prom-client';
import { CjoError } from '@cjo/errors';
import { uniqueName, waitFor } from '@cjo/testkit';
import { type HandlerResult, type MemoryBus, createBusMetrics, createMemoryBus, dlqTopicOf, partitionForKey } from '../src';
import { metricValue } from './metric-value';

describe('bus metrics on the memory bus', () => {
  let registry: Registry;
  let bus: MemoryBus;
  let topic: string;

  beforeEach(async () => {
    registry = new Registry();
    bus = createMemoryBus({ metrics: createBusMetrics(registry) });
    topic = uniqueName('bus_metrics');
    await bus.ensureTopics([{ name: topic, partitions: 2, cleanupPolicy: 'delete' }]);
  });

  afterEach(() => bus.close());

  test('count published, processed (ok, drop, dlq), retried and DLQ records, and time each publish and handler run', async () => {
    const groupId = uniqueName('bus_metrics_group');
    await bus.publish(topic, ['fine', 'flaky', 'bad', 'ignored'].map((value) => ({ key: 'k', value: Buffer.from(value) })));
    const attempts = new Map<string, number>();
    let finished = 0;
    const results: Record<string, (attempt: number) => HandlerResult> = {
      fine: () => ({ type: 'ok' }),
      flaky: (attempt) =>
        attempt === 1 ? { type: 'retry', error: new CjoError('timeout', 'slow', { retriable: true }) } : { type: 'ok' },
      bad: () => ({ type: 'dlq', error: new CjoError('bad_input', 'missing field') }),
      ignored: () => ({ type: 'drop', reason: 'not ours' }),
    };
    const subscription = await bus.subscribe({
      groupId,
      topics: [topic],
      retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 },
      handler: async (message) => {
        const value = message.value.toString();
        const attempt = (attempts.get(value) ?? 0) + 1;
        attempts.set(value, attempt);
        const result = results[value]?.(attempt) ?? { type: 'ok' };
        if (result.type !== 'retry') finished += 1;
        return result;
      },
    });
    const processed = (result: string) =>
      metricValue(registry, 'cjo_bus_messages_processed_total', { topic, group: groupId, result });
    await waitFor(() => finished === 4, { message: 'all four records' });
    // A record is counted a moment after its handler returned (after its DLQ publish, if any).
    await waitFor(async () => (await processed('drop')) === 1, { message: 'the last record counted' });

    expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic })).toBe(4);
    // One publish call of four records: timed once.
    expect(
      await metricValue(registry, 'cjo_bus_publish_duration_seconds', { topic }, 'cjo_bus_publish_duration_seconds_count'),
    ).toBe(1);
    expect(await processed('ok')).toBe(2);
    expect(await processed('dlq')).toBe(1);
    expect(await processed('drop')).toBe(1);
    expect(await metricValue(registry, 'cjo_bus_retries_total', { topic, group: groupId })).toBe(1);
    expect(await metricValue(registry, 'cjo_bus_dlq_published_total', { topic })).toBe(1);
    // The DLQ record is counted as such, not as a publish to the DLQ topic.
    expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic: dlqTopicOf(topic) })).toBeUndefined();
    expect(
      await metricValue(
        registry,
        'cjo_bus_handler_duration_seconds',
        { topic, group: groupId },
        'cjo_bus_handler_duration_seconds_count',
      ),
    ).toBe(5);

    const partition = String(partitionForKey('k', 2));
    // Set right after the commit, a moment after the record was counted.
    await waitFor(
      async () => (await metricValue(registry, 'cjo_bus_consumer_lag', { topic, partition, group: groupId })) === 0,
      { message: 'no lag left' },
    );
    await subscription.stop();
    // A stopped member's lag would be stale: the series goes away.
    expect(await metricValue(registry, 'cjo_bus_consumer_lag', { topic, partition, group: groupId })).toBeUndefined();
  });

  test('the lag gauge shows the records waiting behind a slow one, and drops to 0 once they are done', async () => {
    const groupId = uniqueName('bus_metrics_group');
    await bus.publish(topic, ['slow', 'a', 'b', 'c'].map((value) => ({ key: 'k', value: Buffer.from(value) })));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    await bus.subscribe({
      groupId,
      topics: [topic],
      handler: async (message) => {
        if (message.value.toString() === 'slow') await gate;
        handled += 1;
        return { type: 'ok' };
      },
    });
    const lag = () =>
      metricValue(registry, 'cjo_bus_consumer_lag', { topic, partition: String(partitionForKey('k', 2)), group: groupId });
    await waitFor(async () => (await lag()) === 4, { message: 'the lag while the first record is in flight' });
    release();
    await waitFor(async () => handled === 4 && (await lag()) === 0, { message: 'every record done, no lag left' });
    expect(await lag()).toBe(0);
  });
});
