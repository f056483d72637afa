import type { RawEvent } from '@cjo/contract';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { sampleEvent } from './payloads';

/** A visitor of the benchmark: an anonymous id, and a user id once identified. */
export interface Visitor {
  anonymousId: string;
  userId: string;
}

export function visitorEvent(messageId: string, visitor: { anonymousId: string; userId: string | null }, type: 'identify' | 'track'): RawEvent {
  const now = Date.now();
  return {
    messageId,
    type,
    sourceId: 'bench',
    userId: visitor.userId,
    anonymousId: visitor.anonymousId,
    event: type === 'track' ? sampleEvent.event : null,
    name: null,
    previousId: null,
    groupId: null,
    propertiesJson: type === 'track' ? JSON.stringify(sampleEvent.properties) : '{}',
    traitsJson: type === 'identify' && visitor.userId !== null ? JSON.stringify({ email: `${visitor.userId}@example.com`, plan: 'pro' }) : '{}',
    contextJson: JSON.stringify(sampleEvent.context),
    integrationsJson: '{}',
    timestamp: now,
    originalTimestamp: now,
    sentAt: now,
    receivedAt: now,
  };
}

/** Puts the events on `topic` keyed as ingest keys them (userId, else anonymousId), in sends of 2,000, one at a time (the idempotent producer needs that). */
export async function produceEvents(brokers: string[], topic: string, events: RawEvent[], encode: (event: RawEvent) => Buffer): Promise<void> {
  const kafka = new Kafka({ clientId: 'cjo-bench-identity-load', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += 2000) {
      const messages = events.slice(start, start + 2000).map((event) => ({ key: event.userId ?? event.anonymousId, value: encode(event) }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}
