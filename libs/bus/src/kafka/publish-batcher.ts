import type { CjoError } from '@cjo/errors';
import type { OutgoingMessage } from '../types';
import { toBusError } from './kafka-errors';
import {
  type QueuedPublish,
  type RequestLimits,
  type TopicBatch,
  recordBytes,
  takeRequest,
  toTopicBatches,
} from './produce-request';

export interface PublishBatcherOptions {
  /** Sends one produce request; resolves once the broker acknowledged all of it, rejects with a CjoError. */
  send: (batches: TopicBatch[]) => Promise<void>;
  limits: RequestLimits;
}

export interface PublishBatcher {
  /** Resolves when the request that carried the messages is acknowledged; rejects when it fails. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Resolves once every publish accepted so far has settled. */
  drain(): Promise<void>;
}

interface Pending extends QueuedPublish {
  resolve: () => void;
  reject: (error: CjoError) => void;
}

/** A queue with at most one request in flight, so its requests leave in the order of its publishes. */
interface Lane {
  /** The topic of a lane of its own; undefined for the shared lane. */
  readonly topic: string | undefined;
  /** A failed request to send again exactly as it was, before anything queued. */
  resend: Pending[];
  queue: Pending[];
  sending: boolean;
}

/**
 * Lets concurrent publishes share produce requests: while a lane's request is in flight, the
 * publishes that arrive wait in its queue and leave together as its next request, within the
 * request limits. No linger: an idle lane sends at once (after the current tick).
 *
 * Topics share the one shared lane once a request to them has succeeded. Until then a topic has a
 * lane of its own: kafkajs fails a whole sendBatch when any of its topics does not exist, and
 * retries that for seconds first, so a publish to a missing topic must neither fail other
 * callers nor hold up their requests.
 *
 * A request carrying several topics that fails for good (a topic deleted meanwhile, a record the
 * broker refuses) cannot tell whose records caused it. Its topics leave the shared lane and their
 * publishes are sent again, each topic in a request of its own, so only the culprit's callers get
 * the error. The resend is safe with the idempotent producer: kafkajs rolls back the sequence
 * numbers of a failed request, and the resend gives each partition the same records in the same
 * order (nothing queued since joins it), so the broker takes the batches it had already written
 * for duplicates. A request of one topic that fails fails all its callers, and a retriable failure
 * (broker unreachable, timeout) rejects every caller of the request.
 *
 * Per-key order: at any time all queued publishes of a topic are in one lane, and a lane has one
 * request in flight.
 */
export function createPublishBatcher(options: PublishBatcherOptions): PublishBatcher {
  const confirmed = new Set<string>();
  const shared: Lane = { topic: undefined, resend: [], queue: [], sending: false };
  const ownLanes = new Map<string, Lane>();
  const unsettled = new Set<Promise<void>>();

  const laneOf = (topic: string): Lane => {
    if (confirmed.has(topic)) return shared;
    let lane = ownLanes.get(topic);
    if (lane === undefined) {
      lane = { topic, resend: [], queue: [], sending: false };
      ownLanes.set(topic, lane);
    }
    return lane;
  };

  const pump = (lane: Lane): void => {
    if (lane.sending || (lane.resend.length === 0 && lane.queue.length === 0)) return;
    lane.sending = true;
    // A microtask later, so that publishes made in the same tick share even the first request.
    queueMicrotask(() => void sendNext(lane));
  };

  // The topic's first request succeeded: its later publishes join the shared lane, behind what is there.
  const confirm = (lane: Lane, topic: string): void => {
    confirmed.add(topic);
    ownLanes.delete(topic);
    shared.queue.push(...lane.queue.splice(0));
    pump(shared);
  };

  // Takes the topics out of the shared lane: each gets a lane of its own that first sends its part
  // of `resent` as a request of its own, then what was queued for it.
  const retract = (topics: Set<string>, resent: Pending[]): void => {
    for (const topic of topics) confirmed.delete(topic);
    for (const publish of resent) laneOf(publish.topic).resend.push(publish);
    for (const publish of shared.queue) {
      if (topics.has(publish.topic)) laneOf(publish.topic).queue.push(publish);
    }
    shared.queue = shared.queue.filter((publish) => !topics.has(publish.topic));
    for (const topic of topics) pump(laneOf(topic));
  };

  const failed = (lane: Lane, request: Pending[], error: CjoError): void => {
    if (lane !== shared || error.retriable) {
      for (const publish of request) publish.reject(error);
      return;
    }
    const topics = new Set(request.map((publish) => publish.topic));
    if (topics.size > 1) {
      retract(topics, request);
      return;
    }
    // One topic: its callers fail together, as splitting a topic's records would change its
    // partitions' batches (see above). Later publishes to it go alone again, so that a topic
    // deleted while in use does not fail other topics' requests.
    retract(topics, []);
    for (const publish of request) publish.reject(error);
  };

  const sendNext = async (lane: Lane): Promise<void> => {
    // Records queued meanwhile stay out of a resend: a partition's records must be the same as in the
    // failed request, or the broker would not recognise the ones it had written.
    const request = lane.resend.length > 0 ? lane.resend.splice(0) : takeRequest(lane.queue, options.limits);
    if (request.length > 0) {
      try {
        await options.send(toTopicBatches(request));
        if (lane.topic !== undefined) confirm(lane, lane.topic);
        for (const publish of request) publish.resolve();
      } catch (err) {
        failed(lane, request, toBusError(err, 'publish'));
      }
    }
    lane.sending = false;
    const idle = lane.resend.length === 0 && lane.queue.length === 0;
    if (lane.topic !== undefined && idle && ownLanes.get(lane.topic) === lane) {
      ownLanes.delete(lane.topic);
    }
    pump(lane);
  };

  return {
    publish(topic, messages) {
      const published = new Promise<void>((resolve, reject) => {
        const lane = laneOf(topic);
        lane.queue.push({ topic, messages, bytes: recordBytes(messages), resolve, reject });
        pump(lane);
      });
      const settled = published.then(
        () => undefined,
        () => undefined,
      );
      unsettled.add(settled);
      void settled.then(() => unsettled.delete(settled));
      return published;
    },

    async drain() {
      while (unsettled.size > 0) await Promise.all([...unsettled]);
    },
  };
}
