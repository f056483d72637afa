import type { RawEvent } from '@cjo/contract';

/**
 * What every benchmark event looks like: a Segment `track` call of a typical
 * size (~400 bytes of JSON). The HTTP scenarios and the raw producer baseline
 * send the same content; only the ids differ per event.
 */
export const sampleEvent = {
  event: 'Product Viewed',
  properties: { productId: 'sku-48213', name: 'Trail running shoe', price: 129.9, currency: 'EUR', category: 'shoes', size: 43 },
  context: {
    library: { name: 'cjo-bench', version: '0.1.0' },
    locale: 'en-GB',
    page: { path: '/shoes/trail', url: 'https://shop.invalid/shoes/trail', referrer: '' },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) cjo-bench',
  },
} as const;

/**
 * autocannon replaces every `[<id>]` in a request with one fresh id per
 * request (`idReplacement`), so each request carries unique messageIds (the
 * service's dedupe would drop repeats) and unique user ids (keys spread over
 * all partitions, as real traffic does).
 */
export const ID_PLACEHOLDER = '[<id>]';

function trackFields(userId: string, messageId: string): string {
  return `"userId":${JSON.stringify(userId)},"event":${JSON.stringify(sampleEvent.event)},"messageId":${JSON.stringify(messageId)},"properties":${JSON.stringify(sampleEvent.properties)},"context":${JSON.stringify(sampleEvent.context)}`;
}

/** Body of one /v1/track call (Segment HTTP Tracking API). */
export function trackBodyTemplate(): string {
  return `{${trackFields(`user-${ID_PLACEHOLDER}`, ID_PLACEHOLDER)}}`;
}

/** Body of one /v1/batch call with `size` track events (Segment batch format: `type` on each item). */
export function batchBodyTemplate(size: number): string {
  const items: string[] = [];
  for (let i = 0; i < size; i += 1) {
    items.push(`{"type":"track",${trackFields(`user-${ID_PLACEHOLDER}-${i}`, `${ID_PLACEHOLDER}-${i}`)}}`);
  }
  return `{"batch":[${items.join(',')}]}`;
}

/** A concrete /v1/track body (for clients that do not do autocannon's id replacement). */
export function trackBody(id: string): string {
  return trackBodyTemplate().split(ID_PLACEHOLDER).join(id);
}

/**
 * The RawEvent ingest would build for the same call: what the raw producer
 * baseline encodes and sends (same fields, same JSON re-serialisation).
 */
export function rawEventFor(messageId: string, userId: string, sourceId: string, receivedAt: number): RawEvent {
  return {
    messageId,
    type: 'track',
    sourceId,
    userId,
    anonymousId: null,
    event: sampleEvent.event,
    name: null,
    previousId: null,
    groupId: null,
    propertiesJson: JSON.stringify(sampleEvent.properties),
    traitsJson: '{}',
    contextJson: JSON.stringify(sampleEvent.context),
    integrationsJson: '{}',
    timestamp: receivedAt,
    originalTimestamp: null,
    sentAt: null,
    receivedAt,
  };
}
