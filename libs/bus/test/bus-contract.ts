import { setTimeout as sleep } from 'node:timers/promises';
import { CjoError } from '@cjo/errors';
import { uniqueName } from '@cjo/testkit';
import {
  type Bus,
  type HandlerResult,
  type IncomingMessage,
  type MessageHandler,
  type Subscription,
  type TopicCodec,
  DLQ_HEADERS,
  dlqTopicOf,
  partitionForKey,
  publishRecords,
  subscribeRecords,
} from '../src';
import { busFixture } from './bus-fixture';

export interface BusContractHooks {
  /** Runs in afterAll with every topic the suite created (the Kafka suite deletes them). */
  deleteTopics?: (names: string[]) => Promise<void>;
  /** How long to wait for records to arrive. */
  timeoutMs?: number;
  /** How long "nothing more arrives" is watched for. */
  quietMs?: number;
}

const PARTITIONS = 6;
const OK: HandlerResult = { type: 'ok' };

/** A record's value as text; the suite publishes small UTF-8 strings. */
const text = (message: IncomingMessage): string => message.value.toString('utf8');

const values = (texts: string[], key: string): Array<{ key: string; value: Buffer }> =>
  texts.map((value) => ({ key, value: Buffer.from(value) }));

interface Counter {
  n: number;
}

/** Parses `{"n": <number>}`; anything else is a poison record. */
const counterCodec = (topic: string): TopicCodec<Counter> => ({
  topic,
  encode: (value) => Buffer.from(JSON.stringify(value)),
  decode: (buffer) => {
    try {
      const parsed: unknown = JSON.parse(buffer.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'n' in parsed && typeof parsed.n === 'number') {
        return { n: parsed.n };
      }
    } catch {
      // falls through to the decode error below
    }
    throw new CjoError('test_decode_failed', 'not a counter');
  },
});

function collect(result: (message: IncomingMessage) => HandlerResult = () => OK): {
  received: IncomingMessage[];
  handler: MessageHandler;
} {
  const received: IncomingMessage[] = [];
  return {
    received,
    handler: async (message) => {
      received.push(message);
      return result(message);
    },
  };
}

export function describeBusContract(name: string, makeBus: () => Bus, hooks: BusContractHooks = {}): void {
  const quietMs = hooks.quietMs ?? 300;

  describe(`Bus contract: ${name}`, () => {
    const fixture = busFixture(makeBus, hooks, 'bus_contract');
    let bus: Bus;
    beforeEach(() => {
      bus = fixture.bus();
    });
    const newTopic = (): Promise<string> => fixture.newTopic(PARTITIONS);
    const { until } = fixture;

    const group = (): string => uniqueName('bus_group');

    async function subscribeDlq(topic: string): Promise<IncomingMessage[]> {
      const dlq = collect();
      await bus.subscribe({ groupId: group(), topics: [dlqTopicOf(topic)], handler: dlq.handler });
      return dlq.received;
    }

    test('ensureTopics is idempotent and creates the DLQ twin', async () => {
      const topic = await newTopic();
      await bus.ensureTopics([{ name: topic, partitions: PARTITIONS, cleanupPolicy: 'delete' }]);
      const dlq = await subscribeDlq(topic);
      await bus.publish(dlqTopicOf(topic), values(['parked'], 'key-1'));
      await until(() => dlq.length === 1, 'the record on the DLQ twin');
      expect(text(dlq[0]!)).toBe('parked');
      expect(dlq[0]!.partition).toBe(partitionForKey('key-1', PARTITIONS));
    });

    test('a key lands on the partition of the Kafka default partitioner', async () => {
      const topic = await newTopic();
      const keys = Array.from({ length: 24 }, (_, i) => `user-${i}`);
      await bus.publish(topic, keys.map((key) => ({ key, value: Buffer.from(key), headers: { origin: 'test' } })));
      const { received, handler } = collect();
      await bus.subscribe({ groupId: group(), topics: [topic], handler });
      await until(() => received.length === keys.length, 'every keyed record');
      for (const message of received) {
        expect(message.partition).toBe(partitionForKey(message.key ?? '', PARTITIONS));
        expect(message.headers.origin).toBe('test');
        expect(text(message)).toBe(message.key);
      }
      expect(new Set(received.map((message) => message.partition)).size).toBeGreaterThan(1);
    });

    test('keeps per-key order across many keys', async () => {
      const topic = await newTopic();
      const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
      const rounds = 10;
      for (let round = 0; round < rounds; round += 1) {
        await bus.publish(topic, keys.map((key) => ({ key, value: Buffer.from(String(round)) })));
      }
      const seen = new Map<string, number[]>();
      await bus.subscribe({
        groupId: group(),
        topics: [topic],
        partitionsConsumedConcurrently: 3,
        handler: async (message) => {
          const key = message.key ?? '';
          seen.set(key, [...(seen.get(key) ?? []), Number(text(message))]);
          return OK;
        },
      });
      const total = (): number => [...seen.values()].reduce((sum, list) => sum + list.length, 0);
      await until(() => total() === keys.length * rounds, 'every record');
      const expected = Array.from({ length: rounds }, (_, round) => round);
      for (const key of keys) expect(seen.get(key)).toEqual(expected);
    });

    test('members of one group split the records: each is processed exactly once', async () => {
      const topic = await newTopic();
      const groupId = group();
      const first = collect();
      const second = collect();
      await bus.subscribe({ groupId, topics: [topic], handler: first.handler });
      await bus.subscribe({ groupId, topics: [topic], handler: second.handler });
      const keys = Array.from({ length: 60 }, (_, i) => `member-${i}`);
      await bus.publish(topic, keys.map((key) => ({ key, value: Buffer.from(key) })));
      const all = (): IncomingMessage[] => [...first.received, ...second.received];
      await until(() => all().length >= keys.length, 'every record in the group');
      await sleep(quietMs);
      expect(all().map(text).sort()).toEqual([...keys].sort());
      expect(first.received.length).toBeGreaterThan(0);
      expect(second.received.length).toBeGreaterThan(0);
    });

    test('the remaining member takes over the partitions of a member that stops', async () => {
      const topic = await newTopic();
      const groupId = group();
      const staying = collect();
      const leaving = collect();
      await bus.subscribe({ groupId, topics: [topic], handler: staying.handler });
      const leaver = await bus.subscribe({ groupId, topics: [topic], handler: leaving.handler });
      await leaver.stop();
      const keys = Array.from({ length: 30 }, (_, i) => `rebalance-${i}`);
      await bus.publish(topic, keys.map((key) => ({ key, value: Buffer.from(key) })));
      await until(() => staying.received.length === keys.length, 'every record at the remaining member');
      expect(leaving.received).toHaveLength(0);
    });

    test('every group gets every record', async () => {
      const topic = await newTopic();
      await bus.publish(topic, values(['a', 'b', 'c'], 'k1'));
      await bus.publish(topic, values(['d', 'e'], 'k2'));
      const first = collect();
      const second = collect();
      await bus.subscribe({ groupId: group(), topics: [topic], handler: first.handler });
      await bus.subscribe({ groupId: group(), topics: [topic], handler: second.handler });
      await until(() => first.received.length === 5 && second.received.length === 5, 'both groups');
      expect(first.received.map(text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(second.received.map(text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    test('commits only after success: an unfinished record is redelivered to the next member', async () => {
      const topic = await newTopic();
      const groupId = group();
      await bus.publish(topic, values(['done', 'unfinished'], 'same-key'));
      let attemptsOnUnfinished = 0;
      const firstMember = collect((message) => {
        if (text(message) === 'done') return OK;
        attemptsOnUnfinished += 1;
        return { type: 'retry', error: new CjoError('not_yet', 'dependency down', { retriable: true }) };
      });
      const first = await bus.subscribe({
        groupId,
        topics: [topic],
        handler: firstMember.handler,
        retry: { maxAttempts: 1000, initialBackoffMs: 50, maxBackoffMs: 100 },
      });
      await until(() => attemptsOnUnfinished >= 2, 'the first member retrying');
      await first.stop();

      const secondMember = collect();
      await bus.subscribe({ groupId, topics: [topic], handler: secondMember.handler });
      await until(() => secondMember.received.length >= 1, 'the redelivery');
      await sleep(quietMs);
      expect(secondMember.received.map(text)).toEqual(['unfinished']);
    });

    test('stop() lets the in-flight record finish, commits it and takes no further record', async () => {
      const topic = await newTopic();
      const groupId = group();
      await bus.publish(topic, values(['slow', 'after'], 'same-key'));
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = false;
      const finished: string[] = [];
      const first = await bus.subscribe({
        groupId,
        topics: [topic],
        handler: async (message) => {
          if (text(message) === 'slow') {
            started = true;
            await gate;
          }
          finished.push(text(message));
          return OK;
        },
      });
      await until(() => started, 'the slow record to start');
      const stopping = first.stop();
      await sleep(50);
      release();
      await stopping;
      expect(finished).toEqual(['slow']);

      const second = collect();
      await bus.subscribe({ groupId, topics: [topic], handler: second.handler });
      await until(() => second.received.length >= 1, 'the record after the slow one');
      await sleep(quietMs);
      expect(second.received.map(text)).toEqual(['after']);
    });

    test('a retriable failure is retried until it succeeds', async () => {
      const topic = await newTopic();
      const dlq = await subscribeDlq(topic);
      await bus.publish(topic, values(['flaky', 'next'], 'k'));
      const attempts = new Map<string, number>();
      await bus.subscribe({
        groupId: group(),
        topics: [topic],
        retry: { maxAttempts: 5, initialBackoffMs: 10, maxBackoffMs: 20 },
        handler: async (message) => {
          const value = text(message);
          const attempt = (attempts.get(value) ?? 0) + 1;
          attempts.set(value, attempt);
          if (value === 'flaky' && attempt === 1) throw new CjoError('timeout', 'slow dependency', { retriable: true });
          if (value === 'flaky' && attempt === 2) {
            return { type: 'retry', error: new CjoError('timeout', 'still slow', { retriable: true }) };
          }
          return OK;
        },
      });
      await until(() => attempts.get('next') === 1, 'the record after the flaky one');
      await sleep(quietMs);
      expect(attempts.get('flaky')).toBe(3);
      expect(dlq).toHaveLength(0);
    });

    test('exhausted retries send the record to the DLQ with error headers', async () => {
      const topic = await newTopic();
      const dlq = await subscribeDlq(topic);
      await bus.publish(topic, [{ key: 'retry-key', value: Buffer.from('payload'), headers: { trace: 't-1' } }]);
      let attempts = 0;
      await bus.subscribe({
        groupId: group(),
        topics: [topic],
        retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 },
        handler: async () => {
          attempts += 1;
          return { type: 'retry', error: new CjoError('downstream_down', 'webhook 503', { retriable: true }) };
        },
      });
      await until(() => dlq.length === 1, 'the DLQ record');
      const parked = dlq[0]!;
      expect(attempts).toBe(3);
      expect(parked.key).toBe('retry-key');
      expect(text(parked)).toBe('payload');
      expect(parked.headers).toMatchObject({
        trace: 't-1',
        [DLQ_HEADERS.errorCode]: 'downstream_down',
        [DLQ_HEADERS.errorMessage]: 'webhook 503',
        [DLQ_HEADERS.sourceTopic]: topic,
        [DLQ_HEADERS.sourcePartition]: String(partitionForKey('retry-key', PARTITIONS)),
        [DLQ_HEADERS.sourceOffset]: '0',
        [DLQ_HEADERS.attempts]: '3',
      });
    });

    test('a non-retriable failure goes straight to the DLQ', async () => {
      const topic = await newTopic();
      const dlq = await subscribeDlq(topic);
      await bus.publish(topic, values(['bad'], 'k'));
      let attempts = 0;
      await bus.subscribe({
        groupId: group(),
        topics: [topic],
        handler: async () => {
          attempts += 1;
          return { type: 'dlq', error: new CjoError('bad_input', 'missing field') };
        },
      });
      await until(() => dlq.length === 1, 'the DLQ record');
      expect(attempts).toBe(1);
      expect(dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('bad_input');
      expect(dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    });

    test('a throwing handler does not crash the consumer and is not re-run', async () => {
      const topic = await newTopic();
      const dlq = await subscribeDlq(topic);
      await bus.publish(topic, values(['explodes', 'fine'], 'k'));
      const calls: string[] = [];
      await bus.subscribe({
        groupId: group(),
        topics: [topic],
        handler: async (message) => {
          calls.push(text(message));
          if (text(message) === 'explodes') throw new Error('boom');
          return OK;
        },
      });
      await until(() => calls.includes('fine') && dlq.length === 1, 'the next record and the DLQ record');
      await sleep(quietMs);
      expect(calls).toEqual(['explodes', 'fine']);
      expect(dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('internal_error');
      expect(dlq[0]!.headers[DLQ_HEADERS.errorMessage]).toBe('boom');
    });

    test('a poison record is parked on the DLQ and the partition keeps flowing', async () => {
      const topic = await newTopic();
      const dlq = await subscribeDlq(topic);
      const codec = counterCodec(topic);
      await bus.publish(topic, values(['{not json'], 'poisoned'));
      await publishRecords(bus, codec, [
        { key: 'poisoned', value: { n: 1 } },
        { key: 'poisoned', value: { n: 2 } },
      ]);
      const decoded: Counter[] = [];
      await subscribeRecords(bus, {
        groupId: group(),
        codec,
        handler: async (value) => {
          decoded.push(value);
          return OK;
        },
      });
      await until(() => decoded.length === 2 && dlq.length === 1, 'the good records and the DLQ record');
      expect(decoded).toEqual([{ n: 1 }, { n: 2 }]);
      const parked = dlq[0]!;
      expect(text(parked)).toBe('{not json');
      expect(parked.headers).toMatchObject({
        [DLQ_HEADERS.errorCode]: 'test_decode_failed',
        [DLQ_HEADERS.errorMessage]: 'not a counter',
        [DLQ_HEADERS.sourceTopic]: topic,
        [DLQ_HEADERS.sourcePartition]: String(partitionForKey('poisoned', PARTITIONS)),
        [DLQ_HEADERS.sourceOffset]: '0',
        [DLQ_HEADERS.attempts]: '1',
      });
    });

    test('fromBeginning: false skips what was published before the group existed', async () => {
      const topic = await newTopic();
      await bus.publish(topic, values(['old'], 'k'));
      const { received, handler } = collect();
      await bus.subscribe({ groupId: group(), topics: [topic], handler, fromBeginning: false });
      // The group looks up the log end on its first fetch; give it that before publishing.
      await sleep(1000);
      await bus.publish(topic, values(['new'], 'k'));
      await until(() => received.length >= 1, 'the new record');
      await sleep(quietMs);
      expect(received.map(text)).toEqual(['new']);
    });

    test('pause() holds delivery until resume()', async () => {
      const topic = await newTopic();
      const { received, handler } = collect();
      const subscription = await bus.subscribe({ groupId: group(), topics: [topic], handler });
      await bus.publish(topic, values(['before'], 'k'));
      await until(() => received.length === 1, 'the first record');
      subscription.pause();
      await bus.publish(topic, values(['while paused'], 'k'));
      await sleep(quietMs * 2);
      expect(received.map(text)).toEqual(['before']);
      subscription.resume();
      await until(() => received.length === 2, 'the record published while paused');
      expect(received.map(text)).toEqual(['before', 'while paused']);
    });

    test('health() follows the subscription: running, paused, running again, stopped', async () => {
      const topic = await newTopic();
      const { received, handler } = collect();
      const subscription = await bus.subscribe({ groupId: group(), topics: [topic], handler });
      expect(subscription.health()).toEqual({ state: 'running' });
      subscription.pause();
      expect(subscription.health()).toEqual({ state: 'paused' });
      subscription.resume();
      expect(subscription.health()).toEqual({ state: 'running' });
      await bus.publish(topic, values(['flows'], 'k'));
      await until(() => received.length === 1, 'a record while running');
      expect(subscription.health()).toEqual({ state: 'running' });
      await subscription.stop();
      expect(subscription.health()).toEqual({ state: 'stopped' });
    });

    test('stop() and close() are safe to call twice', async () => {
      const topic = await newTopic();
      const { handler } = collect();
      const subscription: Subscription = await bus.subscribe({ groupId: group(), topics: [topic], handler });
      await Promise.all([subscription.stop(), subscription.stop()]);
      await subscription.stop();
      await Promise.all([bus.close(), bus.close()]);
      await bus.close();
      await expect(bus.publish(topic, values(['late'], 'k'))).rejects.toMatchObject({ code: 'bus_closed' });
    });

    test('publishing to a topic that was never ensured rejects', async () => {
      const missing = uniqueName('bus_missing');
      await expect(bus.publish(missing, values(['x'], 'k'))).rejects.toMatchObject({
        code: 'bus_unknown_topic',
        retriable: false,
      });
    });
  });
}
