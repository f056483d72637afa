import { Counter, type Registry } from 'prom-client';

/** What identity reports on /metrics besides the bus metrics. */
export interface IdentityMetrics {
  /** Events published resolved, and merges published with them. */
  resolved(events: number, merges: number): void;
  /** Identifier values an event carried that may never link (blocked, too long), by type. */
  ignored(type: string, reason: string): void;
}

export const noIdentityMetrics: IdentityMetrics = { resolved: () => undefined, ignored: () => undefined };

/** Call once per registry: prom-client refuses a metric name registered twice. */
export function createIdentityMetrics(registry: Registry): IdentityMetrics {
  const registers = [registry];
  const resolved = new Counter({ name: 'cjo_identity_events_resolved_total', help: 'Events published on the resolved topic', registers });
  const merges = new Counter({ name: 'cjo_identity_merges_published_total', help: 'IdentityMerged records published', registers });
  const ignored = new Counter({
    name: 'cjo_identity_identifiers_ignored_total',
    help: 'Identifier values that were not used, by type and reason (blocked, too_long)',
    labelNames: ['type', 'reason'] as const,
    registers,
  });
  return {
    resolved(events, published) {
      resolved.inc(events);
      if (published > 0) merges.inc(published);
    },
    ignored: (type, reason) => ignored.inc({ type, reason }),
  };
}
