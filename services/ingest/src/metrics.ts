import { Counter, type Registry } from 'prom-client';
import type { CallType } from './calls';

/** What ingest reports on /metrics. Labels are call types and error codes only, so series stay few. */
export interface IngestMetrics {
  /** Events of requests answered 200 (published now or earlier), by call type. */
  accepted(type: CallType, events: number): void;
  /** Events of refused requests (1 per request whose body could not be read as calls), by error code. */
  rejected(reason: string, events: number): void;
  /** Events answered 200 without publishing because their messageId was already stored. */
  deduplicated(events: number): void;
  /** Records put on the raw topic. */
  published(events: number): void;
}

/** Call once per registry: prom-client refuses a metric name registered twice. */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  const accepted = new Counter({
    name: 'cjo_ingest_events_accepted_total',
    help: 'Events of requests answered 200, by call type',
    labelNames: ['type'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'cjo_ingest_events_rejected_total',
    help: 'Events of refused requests, by error code (1 per request whose body was unreadable)',
    labelNames: ['reason'] as const,
    registers,
  });
  const deduplicated = new Counter({
    name: 'cjo_ingest_events_deduplicated_total',
    help: 'Events answered 200 but not published again: their messageId was already stored by the source',
    registers,
  });
  const published = new Counter({
    name: 'cjo_ingest_events_published_total',
    help: 'Events published on the raw topic',
    registers,
  });
  return {
    accepted: (type, events) => accepted.inc({ type }, events),
    rejected: (reason, events) => rejected.inc({ reason }, events),
    deduplicated: (events) => deduplicated.inc(events),
    published: (events) => published.inc(events),
  };
}
