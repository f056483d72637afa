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
  decisionRequests: DecisionRequested;
  decisions: Decision;
  deliveryOutcomes: DeliveryOutcome;
}
