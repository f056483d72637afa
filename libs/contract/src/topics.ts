import type { TopicSpec } from '@cjo/bus';
import type { TopicValues } from './records';

export interface TopicDefinition {
  /** Kafka topic name; the `.vN` suffix is the major version of its value schema. */
  name: string;
  /** What the record key is (it decides the partition, so per-key order holds). */
  key: string;
  /** Full name of the Avro record every value is (schemas/<fullname>.avsc). */
  valueSchema: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Omitted: the broker default. */
  retentionMs?: number;
  /** Public topics are a stable integration surface for consumers outside the platform. */
  public: boolean;
  description: string;
}

/** Seven days: long enough to replay a week of traffic after an outage or a consumer bug. */
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export type Topics = { readonly [K in keyof TopicValues]: Readonly<TopicDefinition> };

export const topics: Topics = Object.freeze({
  rawEvents: Object.freeze({
    name: 'cjo.events.raw.v1',
    key: 'userId, else anonymousId',
    valueSchema: 'cjo.events.RawEvent',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: false,
    description: 'Events accepted by ingest, before identity resolution.',
  }),
  resolvedEvents: Object.freeze({
    name: 'cjo.events.resolved.v1',
    key: 'profileId',
    valueSchema: 'cjo.events.ResolvedEvent',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: false,
    description: 'Events with the profile their identifiers resolved to.',
  }),
  profileChanges: Object.freeze({
    name: 'cjo.profiles.changes.v1',
    key: 'profileId',
    valueSchema: 'cjo.profiles.ProfileChanged',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'Trait changes of a profile, one record per event that changed something.',
  }),
  identityChanges: Object.freeze({
    name: 'cjo.identity.changes.v1',
    key: 'profileId (the survivor of a merge, the profile split from)',
    valueSchema: 'cjo.identity.IdentityChanged',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'Merges and splits of the identity graph, in the order identity made them per profile.',
  }),
  segmentMemberships: Object.freeze({
    name: 'cjo.segments.memberships.v1',
    key: 'profileId',
    valueSchema: 'cjo.profiles.SegmentMembershipChanged',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'A profile entered or left a segment.',
  }),
  profileDeletions: Object.freeze({
    name: 'cjo.profiles.deletions.v1',
    key: 'profileId',
    valueSchema: 'cjo.profiles.ProfileDeleted',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'Deleted profiles (GDPR erasure): every service forgets them.',
  }),
  decisionRequests: Object.freeze({
    name: 'cjo.journeys.decision-requests.v1',
    key: 'profileId',
    valueSchema: 'cjo.journeys.DecisionRequested',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: false,
    description: 'Journey instances asking decisioning which content to send.',
  }),
  decisions: Object.freeze({
    name: 'cjo.decisions.v1',
    key: 'profileId',
    valueSchema: 'cjo.decisioning.Decision',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'The content chosen for each decision request.',
  }),
  deliveryOutcomes: Object.freeze({
    name: 'cjo.delivery.outcomes.v1',
    key: 'profileId',
    valueSchema: 'cjo.delivery.DeliveryOutcome',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: WEEK_MS,
    public: true,
    description: 'Final outcome of each delivery: delivered, failed or skipped.',
  }),
});

/**
 * Every catalogue topic as the bus creates it (each also gets a `<name>.dlq`
 * twin from the bus). `namespace` prefixes the names, so several isolated
 * platforms (tests, staging) can share one cluster.
 */
export function topicSpecs(namespace = ''): TopicSpec[] {
  return Object.values(topics).map((topic) => ({
    name: namespace + topic.name,
    partitions: topic.partitions,
    cleanupPolicy: topic.cleanupPolicy,
    ...(topic.retentionMs === undefined ? {} : { retentionMs: topic.retentionMs }),
  }));
}
