import { CjoError } from '@cjo/errors';
import type { OutgoingMessage } from '../src';
import type { TopicBatch } from '../src/kafka/produce-request';
import { type PublishBatcher, createPublishBatcher } from '../src/kafka/publish-batcher';

/** A produce request the fake broker holds until the test answers it. */
interface HeldRequest {
  batches: TopicBatch[];
  ack(): void;
  fail(error: CjoError): void;
}

/** A batcher over a fake send that records each request and lets the test settle it. */
function fakeBroker(limits = { maxMessages: 1000, maxBytes: 1_000_000 }): {
  batcher: PublishBatcher;
  requests: HeldRequest[];
  /** Most requests in flight at once. */
  peakInFlight: () => number;
} {
  const requests: HeldRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const batcher = createPublishBatcher({
    limits,
    send: (batches) =>
      new Promise<void>((resolve, reject) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        const done = (): void => {
          inFlight -= 1;
        };
        requests.push({
          batches,
          ack: () => {
            done();
            resolve();
          },
          fail: (error) => {
            done();
            reject(error);
          },
        });
      }),
  });
  return { batcher, requests, peakInFlight: () => peak };
}

const record = (key: string, value: string): OutgoingMessage => ({ key, value: Buffer.from(value) });

/** A request's records as `topic:key=value`, in request order. */
const contents = (request: HeldRequest | undefined): string[] =>
  (request?.batches ?? []).flatMap(({ topic, messages }) =>
    messages.map((message) => `${topic}:${message.key}=${message.value.toString()}`),
  );

/** Lets the batcher's microtasks and the settled promises' callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Outcome = 'pending' | 'resolved' | CjoError;

function watch(promise: Promise<void>): { outcome: () => Outcome } {
  let outcome: Outcome = 'pending';
  promise.then(
    () => {
      outcome = 'resolved';
    },
    (error: CjoError) => {
      outcome = error;
    },
  );
  return { outcome: () => outcome };
}

/** Sends one publish to `topic` and acknowledges it, so the topic joins the shared lane. */
async function confirmTopics(broker: ReturnType<typeof fakeBroker>, topics: string[]): Promise<void> {
  const published = topics.map((topic) => broker.batcher.publish(topic, [record('warm', 'up')]));
  await settle();
  for (const request of broker.requests.splice(0)) request.ack();
  await Promise.all(published);
}

describe('publish batcher', () => {
  test('publishes made while a request is in flight leave together as the next request, in order', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['t']);
    const first = watch(broker.batcher.publish('t', [record('a', '1')]));
    await settle();
    expect(broker.requests).toHaveLength(1);
    const waiting = Array.from({ length: 5 }, (_, i) =>
      watch(broker.batcher.publish('t', [record('a', String(i + 2))])),
    );
    await settle();
    expect(broker.requests).toHaveLength(1);

    broker.requests[0]!.ack();
    await settle();
    expect(first.outcome()).toBe('resolved');
    expect(waiting.map((publish) => publish.outcome())).toEqual(Array(5).fill('pending'));
    expect(broker.requests).toHaveLength(2);
    expect(contents(broker.requests[1])).toEqual(['t:a=2', 't:a=3', 't:a=4', 't:a=5', 't:a=6']);

    broker.requests[1]!.ack();
    await settle();
    expect(waiting.map((publish) => publish.outcome())).toEqual(Array(5).fill('resolved'));
    expect(broker.peakInFlight()).toBe(1);
  });

  test('publishes made in the same tick share even the first request, across topics', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['t1', 't2']);
    const published = [
      broker.batcher.publish('t1', [record('a', '1')]),
      broker.batcher.publish('t2', [record('b', '1')]),
      broker.batcher.publish('t1', [record('a', '2'), record('c', '1')]),
    ];
    await settle();
    expect(broker.requests).toHaveLength(1);
    expect(broker.requests[0]!.batches.map((batch) => batch.topic)).toEqual(['t1', 't2']);
    expect(contents(broker.requests[0])).toEqual(['t1:a=1', 't1:a=2', 't1:c=1', 't2:b=1']);
    broker.requests[0]!.ack();
    await expect(Promise.all(published)).resolves.toEqual([undefined, undefined, undefined]);
  });

  test('a request stays within the message and byte limits; a larger publish goes alone', async () => {
    const broker = fakeBroker({ maxMessages: 3, maxBytes: 200 });
    await confirmTopics(broker, ['t']);
    const published = [
      broker.batcher.publish('t', [record('k', '1'), record('k', '2')]),
      broker.batcher.publish('t', [record('k', '3')]),
      broker.batcher.publish('t', [record('k', '4')]),
      broker.batcher.publish('t', [record('k', 'x'.repeat(500))]),
      broker.batcher.publish('t', [record('k', '5')]),
    ];
    const requests: string[][] = [];
    while (requests.length < published.length) {
      await settle();
      const request = broker.requests.shift();
      if (request === undefined) break;
      requests.push(contents(request).map((entry) => (entry.length > 20 ? 't:k=<500 bytes>' : entry)));
      request.ack();
    }
    await Promise.all(published);
    // Three records fill the first request; the 500-byte record exceeds the byte limit with any company.
    expect(requests).toEqual([['t:k=1', 't:k=2', 't:k=3'], ['t:k=4'], ['t:k=<500 bytes>'], ['t:k=5']]);
    expect(broker.peakInFlight()).toBe(1);
  });

  test('a topic not confirmed yet gets requests of its own, then joins the shared lane', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['known']);
    const known = broker.batcher.publish('known', [record('a', '1')]);
    const fresh = broker.batcher.publish('fresh', [record('b', '1')]);
    await settle();
    expect(broker.requests.map((request) => request.batches.map((batch) => batch.topic))).toEqual([
      ['known'],
      ['fresh'],
    ]);
    // Both lanes are in flight at once: a slow first request to a new topic holds nobody up.
    expect(broker.peakInFlight()).toBe(2);
    for (const request of broker.requests.splice(0)) request.ack();
    await Promise.all([known, fresh]);

    const together = [
      broker.batcher.publish('known', [record('a', '2')]),
      broker.batcher.publish('fresh', [record('b', '2')]),
    ];
    await settle();
    expect(broker.requests).toHaveLength(1);
    expect(contents(broker.requests[0])).toEqual(['known:a=2', 'fresh:b=2']);
    broker.requests[0]!.ack();
    await Promise.all(together);
  });

  test('a failed first request to a topic fails only its callers; the next publishes try again', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['known']);
    const missing = watch(broker.batcher.publish('missing', [record('a', '1')]));
    const known = watch(broker.batcher.publish('known', [record('b', '1')]));
    await settle();
    const unknownTopic = new CjoError('bus_unknown_topic', 'publish to missing: topic does not exist');
    broker.requests.find((request) => request.batches[0]!.topic === 'missing')!.fail(unknownTopic);
    broker.requests.find((request) => request.batches[0]!.topic === 'known')!.ack();
    broker.requests.splice(0);
    await settle();
    expect(missing.outcome()).toBe(unknownTopic);
    expect(known.outcome()).toBe('resolved');

    const again = watch(broker.batcher.publish('missing', [record('a', '2')]));
    await settle();
    expect(broker.requests.map((request) => request.batches.map((batch) => batch.topic))).toEqual([['missing']]);
    broker.requests[0]!.fail(unknownTopic);
    await settle();
    expect(again.outcome()).toBe(unknownTopic);
  });

  test('a shared request failing for good is sent again per topic, and only the culprit topic fails', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['good', 'deleted']);
    const good = watch(broker.batcher.publish('good', [record('a', '1'), record('b', '1')]));
    const deleted = watch(broker.batcher.publish('deleted', [record('c', '1')]));
    await settle();
    const failedRequest = broker.requests.shift()!;
    expect(contents(failedRequest)).toEqual(['good:a=1', 'good:b=1', 'deleted:c=1']);
    // Queued behind the failed request: must stay behind the resent records of its topic.
    const goodLater = watch(broker.batcher.publish('good', [record('a', '2')]));
    const unknownTopic = new CjoError('bus_unknown_topic', 'publish to good, deleted: topic does not exist');
    failedRequest.fail(unknownTopic);
    await settle();
    expect(good.outcome()).toBe('pending');
    expect(deleted.outcome()).toBe('pending');

    // The resend carries each topic's records exactly as before, so the broker can spot the duplicates.
    const resends = broker.requests.splice(0);
    expect(resends.map(contents).sort()).toEqual([['deleted:c=1'], ['good:a=1', 'good:b=1']]);
    for (const resend of resends) {
      if (resend.batches[0]!.topic === 'good') resend.ack();
      else resend.fail(unknownTopic);
    }
    await settle();
    expect(good.outcome()).toBe('resolved');
    expect(deleted.outcome()).toBe(unknownTopic);
    expect(broker.requests.map(contents)).toEqual([['good:a=2']]);
    broker.requests.shift()!.ack();
    await settle();
    expect(goodLater.outcome()).toBe('resolved');
  });

  test('a retriable failure rejects every caller of the request and the queue carries on', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['t1', 't2']);
    const inRequest = [
      watch(broker.batcher.publish('t1', [record('a', '1')])),
      watch(broker.batcher.publish('t2', [record('b', '1')])),
    ];
    await settle();
    const queued = watch(broker.batcher.publish('t1', [record('a', '2')]));
    const unavailable = new CjoError('bus_unavailable', 'publish to t1, t2: timeout', { retriable: true });
    broker.requests.shift()!.fail(unavailable);
    await settle();
    expect(inRequest.map((publish) => publish.outcome())).toEqual([unavailable, unavailable]);
    expect(queued.outcome()).toBe('pending');
    expect(broker.requests.map(contents)).toEqual([['t1:a=2']]);
    broker.requests.shift()!.ack();
    await settle();
    expect(queued.outcome()).toBe('resolved');
  });

  test('a one-topic shared request failing for good fails its callers and leaves the shared lane', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['bad', 'other']);
    const bad = watch(broker.batcher.publish('bad', [record('a', '1')]));
    await settle();
    const badLater = watch(broker.batcher.publish('bad', [record('a', '2')]));
    const other = watch(broker.batcher.publish('other', [record('b', '1')]));
    const rejected = new CjoError('bus_rejected', 'publish to bad: record too large');
    broker.requests.shift()!.fail(rejected);
    await settle();
    expect(bad.outcome()).toBe(rejected);
    // Two lanes now: the shared one and the one of the retracted topic, in whichever order they started.
    expect(broker.requests.map(contents).sort()).toEqual([['bad:a=2'], ['other:b=1']]);
    for (const request of broker.requests.splice(0)) request.ack();
    await settle();
    expect([badLater.outcome(), other.outcome()]).toEqual(['resolved', 'resolved']);
  });

  test('drain() waits for what is in flight and what is queued', async () => {
    const broker = fakeBroker();
    await confirmTopics(broker, ['t']);
    const published = [broker.batcher.publish('t', [record('a', '1')])];
    await settle();
    published.push(broker.batcher.publish('t', [record('a', '2')]));
    let drained = false;
    const draining = broker.batcher.drain().then(() => {
      drained = true;
    });
    await settle();
    broker.requests.shift()!.ack();
    await settle();
    expect(drained).toBe(false);
    broker.requests.shift()!.ack();
    await draining;
    expect(drained).toBe(true);
    await Promise.all(published);
  });

  test('a failed send that is not a CjoError still rejects with the bus error mapping', async () => {
    const batcher = createPublishBatcher({
      limits: { maxMessages: 10, maxBytes: 10_000 },
      send: () => Promise.reject(new TypeError('bad input')),
    });
    await expect(batcher.publish('t', [record('a', '1')])).rejects.toMatchObject({
      code: 'bus_failed',
      retriable: false,
    });
  });
});
