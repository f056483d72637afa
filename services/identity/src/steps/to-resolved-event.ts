import type { RawEvent, ResolvedEvent } from '@cjo/contract';

export function toResolvedEvent(event: RawEvent, profileId: string): ResolvedEvent {
  return { profileId, ...event };
}
