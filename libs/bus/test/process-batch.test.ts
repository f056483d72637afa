import { CjoError } from '@cjo/errors';
import { createLogger } from '@cjo/log';
import { DLQ_HEADERS, type HandlerResult, type IncomingMessage, type OutgoingMessage, noBusMetrics } from '../src';
import { type BatchProcessContext, processBatch } from '../src/process-message';

const transient = new CjoError('db_unavailable', 'connection lost', { retriable: true });
const OK: HandlerResult = { type: 'ok' };

const messages: IncomingMessage[] = Array.from({ length: 5 }, (_, index) => ({
  topic: 'orders',
  partition: 1,
  offset: String(10 + index),
  key: `user-${index}`,
  value: Buffer.from(`record-${index}`),
  headers: {},
  timestamp: 1_700_000_000_000,
}));

type Script = (batch: IncomingMessage[], call: number) => HandlerResult[] | Error;

/** Runs processBatch with a scripted handler; records every call's offsets, each DLQ record and each wait. */
function harness(script: Script, options: { waits?: boolean[] } = {}) {
  const calls: string[][] = [];
  const dlq: OutgoingMessage[] = [];
  const waits: number[] = [];
  const waitAnswers = [...(options.waits ?? [])];
  const context: BatchProcessContext = {
    groupId: 'billing',
    metrics: noBusMetrics,
    retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000 },
    logger: createLogger({ name: 'process-batch-test', level: 'silent' }),
    random: () => 1,
    handler: async (batch) => {
      calls.push(batch.map((message) => message.offset));
      const outcome = script(batch, calls.length);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    publish: async (_topic, published) => {
      dlq.push(...published);
    },
    wait: async (ms) => {
      waits.push(ms);
      return waitAnswers.shift() ?? true;
    },
  };
  const dlqOffsets = () => dlq.map((record) => record.headers?.[DLQ_HEADERS.sourceOffset]);
  return { context, calls, dlq, dlqOffsets, waits };
}

const allOk = (batch: IncomingMessage[]): HandlerResult[] => batch.map(() => OK);

describe('processBatch', () => {
  test('one handler call for the whole batch when every record succeeds', async () => {
    const run = harness(allOk);
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toEqual([['10', '11', '12', '13', '14']]);
    expect(run.dlq).toEqual([]);
  });

  test('dlq and drop results finish their record; the rest of the batch is not run again', async () => {
    const run = harness((batch) =>
      batch.map((message): HandlerResult => {
        if (message.offset === '11') return { type: 'dlq', error: new CjoError('bad_input', 'no id') };
        if (message.offset === '13') return { type: 'drop', reason: 'duplicate' };
        return OK;
      }),
    );
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toHaveLength(1);
    expect(run.dlqOffsets()).toEqual(['11']);
    expect(run.dlq[0]?.headers?.[DLQ_HEADERS.errorCode]).toBe('bad_input');
  });

  test('a retry at one record finishes those before it and runs the handler again from it', async () => {
    const run = harness((batch, call) =>
      batch.map((message) => (call === 1 && message.offset === '12' ? { type: 'retry', error: transient } : OK)),
    );
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toEqual([
      ['10', '11', '12', '13', '14'],
      ['12', '13', '14'],
    ]);
    expect(run.waits).toEqual([100]);
  });

  test('a record whose retries are spent goes to the DLQ and the handler runs again from the next one', async () => {
    const run = harness((batch) =>
      batch.map((message) => (message.offset === '11' ? { type: 'retry', error: transient } : OK)),
    );
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toEqual([
      ['10', '11', '12', '13', '14'],
      ['11', '12', '13', '14'],
      ['11', '12', '13', '14'],
      ['12', '13', '14'],
    ]);
    expect(run.dlqOffsets()).toEqual(['11']);
    expect(run.dlq[0]?.headers?.[DLQ_HEADERS.attempts]).toBe('3');
    expect(run.waits).toEqual([100, 200]);
  });

  test('a retriable error thrown by the handler retries the whole batch', async () => {
    const run = harness((batch, call) => (call === 1 ? transient : allOk(batch)));
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toEqual([
      ['10', '11', '12', '13', '14'],
      ['10', '11', '12', '13', '14'],
    ]);
    expect(run.dlq).toEqual([]);
  });

  test('any other error thrown runs the records one at a time, so only the poison record reaches the DLQ', async () => {
    const run = harness((batch) =>
      batch.some((message) => message.offset === '13') ? new TypeError('cannot read properties of undefined') : allOk(batch),
    );
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toEqual([['10', '11', '12', '13', '14'], ['10'], ['11'], ['12'], ['13'], ['14']]);
    expect(run.dlqOffsets()).toEqual(['13']);
    expect(run.dlq[0]?.headers?.[DLQ_HEADERS.errorCode]).toBe('internal_error');
  });

  test('the wrong number of results is a handler bug: records run one at a time', async () => {
    const run = harness((batch) => (batch.length > 1 ? [OK] : allOk(batch)));
    await expect(processBatch(messages, run.context)).resolves.toBe(5);
    expect(run.calls).toHaveLength(6);
    expect(run.dlq).toEqual([]);
  });

  test('stopping during a retry wait returns the records finished so far; the rest are not committed', async () => {
    const run = harness(
      (batch) => batch.map((message) => (message.offset === '12' ? { type: 'retry', error: transient } : OK)),
      { waits: [false] },
    );
    await expect(processBatch(messages, run.context)).resolves.toBe(2);
    expect(run.calls).toHaveLength(1);
  });
});
