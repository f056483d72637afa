import { CjoError } from '@cjo/errors';
import { dlq, ok, type StepResult } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';
import { eventKeyOf } from './aggregate';
import { normaliseIdentifier, type Identifier } from './identifiers';
import { isPlainObject, type JsonObject } from './json-values';
import { parseTraitUpdate, type TraitUpdate } from './traits';

/** An event as stored on a profile's timeline. */
export interface StoredEvent {
  profileId: string;
  messageId: string;
  type: string;
  event: string | null;
  name: string | null;
  groupId: string | null;
  userId: string | null;
  anonymousId: string | null;
  properties: JsonObject;
  time: number;
  receivedAt: number | null;
}

/** A resolved event, parsed once, as every step of the profile store uses it. */
export interface ProfileEvent {
  messageId: string;
  /** The profile identity resolved the event to; a merge may since have redirected it (see the batch). */
  profileId: string;
  type: string;
  event: string | null;
  name: string | null;
  groupId: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** The name aggregates match: the track event's name, else `$<type>`. */
  eventKey: string;
  /** Properties of track/page/screen calls, traits of identify/group calls: what filters and aggregates read. */
  properties: JsonObject;
  /** The profile trait update of an identify call. */
  traitUpdate: TraitUpdate | null;
  /** The group trait update of a group call. */
  groupTraitUpdate: TraitUpdate | null;
  identifiers: Identifier[];
  time: number;
  receivedAt: number;
}

function parseObject(json: string, field: string, messageId: string): StepResult<JsonObject> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    return dlq(new CjoError('invalid_event_json', `${field} of message ${messageId} is not JSON`, { cause: err }));
  }
  if (!isPlainObject(parsed)) {
    return dlq(new CjoError('invalid_event_json', `${field} of message ${messageId} is not a JSON object`));
  }
  return ok(parsed);
}

/** The identifiers profiles keeps for lookups: userId, anonymousId and an identify call's `email` trait. */
function identifiersOf(event: Pick<ResolvedEvent, 'type' | 'userId' | 'anonymousId'>, traits: JsonObject): Identifier[] {
  const identifiers: Identifier[] = [];
  if (event.userId !== null && event.userId !== '') identifiers.push({ type: 'userId', value: event.userId });
  if (event.anonymousId !== null && event.anonymousId !== '') {
    identifiers.push({ type: 'anonymousId', value: event.anonymousId });
  }
  const email = traits.email;
  if (event.type === 'identify' && typeof email === 'string' && email.trim() !== '') {
    identifiers.push(normaliseIdentifier({ type: 'email', value: email }));
  }
  return identifiers;
}

/** JSON that does not parse, or is not an object, can never be applied: the record goes to the DLQ. */
export function parseResolvedEvent(event: ResolvedEvent): StepResult<ProfileEvent> {
  const carriesTraits = event.type === 'identify' || event.type === 'group';
  const parsed = carriesTraits
    ? parseObject(event.traitsJson, 'traitsJson', event.messageId)
    : parseObject(event.propertiesJson, 'propertiesJson', event.messageId);
  if (parsed.type !== 'ok') return parsed;
  const properties = parsed.value;
  return ok({
    messageId: event.messageId,
    profileId: event.profileId,
    type: event.type,
    event: event.event,
    name: event.name,
    groupId: event.type === 'group' ? event.groupId : null,
    userId: event.userId,
    anonymousId: event.anonymousId,
    eventKey: eventKeyOf(event.type, event.event),
    properties,
    traitUpdate: event.type === 'identify' ? parseTraitUpdate(properties) : null,
    groupTraitUpdate: event.type === 'group' && event.groupId !== null ? parseTraitUpdate(properties) : null,
    identifiers: identifiersOf(event, properties),
    time: event.timestamp,
    receivedAt: event.receivedAt,
  });
}

/** An event read back from a profile's timeline, in the shape the steps apply (merges and splits replay them). */
export function profileEventOf(stored: StoredEvent): ProfileEvent {
  return {
    messageId: stored.messageId,
    profileId: stored.profileId,
    type: stored.type,
    event: stored.event,
    name: stored.name,
    groupId: stored.groupId,
    userId: stored.userId,
    anonymousId: stored.anonymousId,
    eventKey: eventKeyOf(stored.type, stored.event),
    properties: stored.properties,
    traitUpdate: stored.type === 'identify' ? parseTraitUpdate(stored.properties) : null,
    groupTraitUpdate: stored.type === 'group' && stored.groupId !== null ? parseTraitUpdate(stored.properties) : null,
    identifiers: identifiersOf(stored, stored.properties),
    time: stored.time,
    receivedAt: stored.receivedAt ?? stored.time,
  };
}
