import { toHandlerResult, type Bus, type HandlerResult, type TopicCodec } from '@cjo/bus';
import type { RawEvent, ResolvedEvent } from '@cjo/contract';
import { extractIdentifiers } from './steps/extract-identifiers';
import { publishResolvedEvent } from './steps/publish-resolved-event';
import { resolveProfile, type IdentifierDirectory } from './steps/resolve-profile';
import { toResolvedEvent } from './steps/to-resolved-event';

export interface RawEventHandlerDeps {
  bus: Bus;
  codec: TopicCodec<ResolvedEvent>;
  directory: IdentifierDirectory;
  newId: () => string;
}

/** raw event -> identifiers -> profile id -> resolved event on the bus. */
export function createRawEventHandler(deps: RawEventHandlerDeps): (event: RawEvent) => Promise<HandlerResult> {
  return async (event) => {
    const identifiers = extractIdentifiers(event);
    if (identifiers.type !== 'ok') return toHandlerResult(identifiers);
    const profileId = await resolveProfile(deps.directory, identifiers.value, deps.newId);
    if (profileId.type !== 'ok') return toHandlerResult(profileId);
    return toHandlerResult(await publishResolvedEvent(deps.bus, deps.codec, toResolvedEvent(event, profileId.value)));
  };
}
