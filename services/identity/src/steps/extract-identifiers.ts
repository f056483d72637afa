import { CjoError } from '@cjo/errors';
import { dlq, ok, type StepResult } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';
import type { Identifier } from '../identifiers';

/** Ingest guarantees one of the two ids, so an event without both breaks the contract and can never resolve. */
export function extractIdentifiers(event: Pick<RawEvent, 'userId' | 'anonymousId'>): StepResult<Identifier[]> {
  const identifiers: Identifier[] = [];
  if (event.userId !== null && event.userId !== '') identifiers.push({ type: 'userId', value: event.userId });
  if (event.anonymousId !== null && event.anonymousId !== '') {
    identifiers.push({ type: 'anonymousId', value: event.anonymousId });
  }
  if (identifiers.length === 0) {
    return dlq(new CjoError('missing_identifier', 'the event carries neither userId nor anonymousId'));
  }
  return ok(identifiers);
}
