// TypeScript shapes of the Avro records in schemas/ (field order = Avro field order).
// Timestamps are ms since epoch; *Json fields hold JSON object text ("{}" when empty).

export interface RawEvent {
  messageId: string;
  /** track | identify | page | screen | group | alias */
  type: string;
  sourceId: string;
  userId: string | null;
  anonymousId: string | null;
  event: string | null;
  name: string | null;
  previousId: string | null;
  groupId: string | null;
  propertiesJson: string;
  traitsJson: string;
  contextJson: string;
  integrationsJson: string;
  timestamp: number;
  originalTimestamp: number | null;
  sentAt: number | null;
  receivedAt: number;
}

export interface ResolvedEvent extends RawEvent {
  profileId: string;
}

export interface TraitChange {
  trait: string;
  oldValueJson: string | null;
  newValueJson: string | null;
}

export interface ProfileChanged {
  profileId: string;
  /** The event that caused the change. */
  messageId: string | null;
  eventCount: number;
  changes: TraitChange[];
  changedAt: number;
}

export interface Identifier {
  type: string;
  value: string;
}

export interface IdentityMerged {
  mergeId: string;
  survivorProfileId: string;
  mergedProfileId: string;
  /** The identifiers that moved from the merged profile to the survivor. */
  identifiers: Identifier[];
  /** The identifiers of the triggering event that tied the two profiles together. */
  linkingIdentifiers: Identifier[];
  messageId: string | null;
  reason: string;
  mergedAt: number;
}

export interface IdentitySplit {
  splitId: string;
  fromProfileId: string;
  newProfileId: string;
  identifiers: Identifier[];
  /** The merge this split undoes, when it undoes one. */
  mergeId: string | null;
  reason: string;
  splitAt: number;
}

/** Exactly one field is set. */
export interface IdentityChanged {
  merged: IdentityMerged | null;
  split: IdentitySplit | null;
}

export interface SegmentMembershipChanged {
  segmentId: string;
  profileId: string;
  /** entered | exited */
  change: string;
  /** event | window_expired | backfill | segment_changed | profile_merged | profile_split | profile_deleted */
  cause: string;
  messageId: string | null;
  segmentVersion: number;
  changedAt: number;
}

export interface ProfileDeleted {
  deletionId: string;
  profileId: string;
  identifiers: Identifier[];
  deletedAt: number;
}

export interface ContentCandidate {
  contentId: string;
  destination: string | null;
  template: string;
}

export interface DecisionRequested {
  requestId: string;
  journeyId: string;
  instanceId: string;
  profileId: string;
  triggerMessageId: string;
  channel: string;
  candidates: ContentCandidate[];
  contextJson: string;
  requestedAt: number;
}

export interface Decision {
  decisionId: string;
  requestId: string;
  journeyId: string;
  instanceId: string;
  profileId: string;
  channel: string;
  contentId: string;
  destination: string | null;
  template: string;
  contextJson: string;
  decidedAt: number;
}

export interface DeliveryOutcome {
  deliveryId: string;
  decisionId: string;
  journeyId: string;
  profileId: string;
  channel: string;
  destination: string | null;
  /** delivered | failed | skipped */
  status: string;
  /** Avro int. */
  attempts: number;
  /** Avro int. */
  httpStatus: number | null;
  error: string | null;
  completedAt: number;
}

/** The value type carried by each topic of the catalogue. */
export interface TopicValues {
  rawEvents: RawEvent;
  resolvedEvents: ResolvedEvent;
  profileChanges: ProfileChanged;
  identityChanges: IdentityChanged;
  segmentMemberships: SegmentMembershipChanged;
  profileDeletions: ProfileDeleted;
  decisionRequests: DecisionRequested;
  decisions: Decision;
  deliveryOutcomes: DeliveryOutcome;
}
