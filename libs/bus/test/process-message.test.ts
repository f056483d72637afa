import { CjoError } from '@cjo/errors';
import { createLogger } from '@cjo/log';
import { type BusMetrics, DLQ_HEADERS, type HandlerResult, type IncomingMessage, type OutgoingMessage } from '../src';
import { type ProcessContext, processMessage } from '../src/process-message';

const message: IncomingMessage = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  key: 'user-1',
  value: Buffer.from('payload'),
  headers: { trace: 't-1' },
  timestamp: 1_700_000_000_000,
};

const transient = new CjoError('db_unavailable', 'connection lost', { retriable: true });

function harness(results: Array<HandlerResult | Error>, options: { publishFailures?: number; waits?: boolean[] } = {}) {
  const published: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
  const waits: number[] = [];
  let calls = 0;
  let publishFailures = options.publishFailures ?? 0;
  const waitAnswers = [...(options.waits ?? [])];
  const reported: string[] = [];
  const metrics: BusMetrics = {
    published: () => undefined,
    processed: (topic, group, result) => reported.push(`processed ${topic} ${group} ${result}`),
    retried: (topic, group) => reported.push(`retried ${topic} ${group}`),
    dlqPublished: (topic) => reported.push(`dlq ${topic}`),
    handlerFinished: (topic, group, seconds) => reported.push(`handler ${topic} ${group} ${seconds >= 0}`),
    consumerLag: () => undefined,
    clearConsumerLag: () => undefined,
  };
  const context: ProcessContext = {
    groupId: 'billing',
    metrics,
    retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000 },
    logger: createLogger({ name: 'process-message-test', level: 'silent' }),
    random: () => 1,
    handler: async () => {
      const result = results[Math.min(calls, results.length - 1)];
      calls += 1;
      if (result instanceof Error) throw result;
      if (result === undefined) throw new Error('no result scripted');
      return result;
    },
    publish: async (topic, messages) => {
      if (publishFailures > 0) {
        publishFailures -= 1;
        throw new CjoError('bus_unavailable', 'down', { retriable: true });
      }
      published.push({ topic, messages });
    },
    wait: async (ms) => {
      waits.push(ms);
      return waitAnswers.shift() ?? true;
    },
  };
  return { context, published, waits, reported, calls: () => calls };
}

describe('processMessage', () => {
  test('ok and drop finish the record without touching the DLQ', async () => {
    for (const result of [{ type: 'ok' }, { type: 'drop', reason: 'duplicate' }] as HandlerResult[]) {
      const run = harness([result]);
      await expect(processMessage(message, run.context)).resolves.toBe('done');
      expect(run.published).toEqual([]);
      expect(run.calls()).toBe(1);
    }
  });

  test('dlq publishes the record with its key, value and error headers to <topic>.dlq', async () => {
    const run = harness([{ type: 'dlq', error: new CjoError('bad_input', 'missing field') }]);
    await expect(processMessage(message, run.context)).resolves.toBe('done');
    expect(run.published).toEqual([
      {
        topic: 'orders.dlq',
        messages: [
          {
            key: 'user-1',
            value: Buffer.from('payload'),
            headers: {
              trace: 't-1',
              [DLQ_HEADERS.errorCode]: 'bad_input',
              [DLQ_HEADERS.errorMessage]: 'missing field',
              [DLQ_HEADERS.sourceTopic]: 'orders',
              [DLQ_HEADERS.sourcePartition]: '2',
              [DLQ_HEADERS.sourceOffset]: '41',
              [DLQ_HEADERS.attempts]: '1',
            },
          },
        ],
      },
    ]);
  });

  test('retry backs off exponentially and runs the handler again until it succeeds', async () => {
    const run = harness([{ type: 'retry', error: transient }, transient, { type: 'ok' }]);
    await expect(processMessage(message, run.context)).resolves.toBe('done');
    expect(run.calls()).toBe(3);
    expect(run.waits).toEqual([100, 200]);
    expect(run.published).toEqual([]);
  });

  test('exhausted retries go to the DLQ with the last error code and the attempt count', async () => {
    const run = harness([{ type: 'retry', error: transient }]);
    await expect(processMessage(message, run.context)).resolves.toBe('done');
    expect(run.calls()).toBe(3);
    expect(run.published[0]?.messages[0]?.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'db_unavailable',
      [DLQ_HEADERS.attempts]: '3',
    });
  });

  test('a handler throwing anything but a retriable CjoError goes to the DLQ after one run', async () => {
    const run = harness([new RangeError('boom')]);
    await expect(processMessage(message, run.context)).resolves.toBe('done');
    expect(run.calls()).toBe(1);
    expect(run.published[0]?.messages[0]?.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'internal_error',
      [DLQ_HEADERS.errorMessage]: 'boom',
    });
  });

  test('a retry interrupted by stop abandons the record, which must not be committed', async () => {
    const run = harness([{ type: 'retry', error: transient }], { waits: [false] });
    await expect(processMessage(message, run.context)).resolves.toBe('abandoned');
    expect(run.calls()).toBe(1);
    expect(run.published).toEqual([]);
  });

  test('a failing DLQ publish is retried with backoff until it goes through', async () => {
    const run = harness([{ type: 'dlq', error: new CjoError('bad_input', 'x') }], { publishFailures: 2 });
    await expect(processMessage(message, run.context)).resolves.toBe('done');
    expect(run.published).toHaveLength(1);
    expect(run.waits).toEqual([100, 200]);
    expect(run.calls()).toBe(1);
  });

  test('a DLQ publish still failing when the consumer stops abandons the record', async () => {
    const run = harness([{ type: 'dlq', error: new CjoError('bad_input', 'x') }], {
      publishFailures: 5,
      waits: [true, false],
    });
    await expect(processMessage(message, run.context)).resolves.toBe('abandoned');
    expect(run.published).toEqual([]);
  });

  test('reports each handler run, each retry, the DLQ record and how the record finished', async () => {
    const retried = harness([{ type: 'retry', error: transient }, { type: 'ok' }]);
    await processMessage(message, retried.context);
    expect(retried.reported).toEqual([
      'handler orders billing true',
      'retried orders billing',
      'handler orders billing true',
      'processed orders billing ok',
    ]);

    const exhausted = harness([{ type: 'retry', error: transient }]);
    await processMessage(message, exhausted.context);
    expect(exhausted.reported.filter((line) => !line.startsWith('handler'))).toEqual([
      'retried orders billing',
      'retried orders billing',
      'dlq orders',
      'processed orders billing dlq',
    ]);

    const dropped = harness([{ type: 'drop', reason: 'duplicate' }]);
    await processMessage(message, dropped.context);
    expect(dropped.reported).toEqual(['handler orders billing true', 'processed orders billing drop']);
  });

  test('an abandoned record is not counted as processed', async () => {
    const run = harness([{ type: 'dlq', error: new CjoError('bad_input', 'x') }], { publishFailures: 5, waits: [false] });
    await expect(processMessage(message, run.context)).resolves.toBe('abandoned');
    expect(run.reported).toEqual(['handler orders billing true']);
  });
});
