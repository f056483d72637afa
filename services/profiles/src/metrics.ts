import { Counter, type Metric, type Registry } from 'prom-client';

/** What the profile store reports on /metrics; labels are fixed words, so series stay few. */
export interface ProfilesMetrics {
  eventsApplied(count: number): void;
  /** Events not applied: duplicate, suppressed, deleted profile. */
  eventsDropped(reason: 'duplicate' | 'suppressed' | 'deleted', count: number): void;
  segmentEvaluations(count: number): void;
  membershipChanges(cause: string, count: number): void;
  /** Adds the counters to the app's registry (the one /metrics serves); consumers may count before it. */
  register(registry: Registry): void;
}

export function createProfilesMetrics(): ProfilesMetrics {
  const applied = new Counter({ name: 'cjo_profiles_events_applied_total', help: 'Resolved events applied to profiles', registers: [] });
  const dropped = new Counter({
    name: 'cjo_profiles_events_dropped_total',
    help: 'Resolved events not applied, by reason (duplicate, suppressed identifier, deleted profile)',
    labelNames: ['reason'] as const,
    registers: [],
  });
  const evaluations = new Counter({
    name: 'cjo_profiles_segment_evaluations_total',
    help: 'Segment rule evaluations (one profile against one segment)',
    registers: [],
  });
  const memberships = new Counter({
    name: 'cjo_profiles_membership_changes_total',
    help: 'Segment entries and exits published, by cause',
    labelNames: ['cause'] as const,
    registers: [],
  });
  const all: Array<{ name: string; metric: Metric }> = [
    { name: 'cjo_profiles_events_applied_total', metric: applied },
    { name: 'cjo_profiles_events_dropped_total', metric: dropped },
    { name: 'cjo_profiles_segment_evaluations_total', metric: evaluations },
    { name: 'cjo_profiles_membership_changes_total', metric: memberships },
  ];
  return {
    eventsApplied: (count) => applied.inc(count),
    eventsDropped: (reason, count) => dropped.inc({ reason }, count),
    segmentEvaluations: (count) => evaluations.inc(count),
    membershipChanges: (cause, count) => memberships.inc({ cause }, count),
    register(registry) {
      for (const { name, metric } of all) if (registry.getSingleMetric(name) === undefined) registry.registerMetric(metric);
    },
  };
}
