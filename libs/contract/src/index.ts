export { topics, topicSpecs } from './topics';
export type { TopicDefinition } from './topics';
export { createContract } from './contract';
export type { Contract, ContractOptions } from './contract';
export type {
  TopicValues,
  RawEvent,
  ResolvedEvent,
  ProfileChanged,
  TraitChange,
  Identifier,
  IdentityChanged,
  IdentityMerged,
  IdentitySplit,
  SegmentMembershipChanged,
  ProfileDeleted,
  DecisionRequested,
  ContentCandidate,
  Decision,
  DeliveryOutcome,
} from './records';
