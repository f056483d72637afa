import { fromError, publishRecords, toHandlerResult, type Bus, type HandlerResult, type TopicCodec } from '@cjo/bus';
import type { Db } from '@cjo/db';
import type { ProfileChanged, ResolvedEvent } from '@cjo/contract';
import { applyEvent } from './steps/apply-event';
import { parseTraits } from './steps/parse-traits';

export interface ResolvedEventHandlerDeps {
  bus: Bus;
  db: Db;
  codec: TopicCodec<ProfileChanged>;
  now: () => number;
}

/**
 * The ProfileChanged record is published before the transaction commits: if
 * the publish fails nothing is recorded and the retry runs the event again, so
 * a change is never lost (at worst, after a failed commit, it is sent twice).
 */
export function createResolvedEventHandler(
  deps: ResolvedEventHandlerDeps,
): (event: ResolvedEvent) => Promise<HandlerResult> {
  return async (event) => {
    const traits = parseTraits(event);
    if (traits.type !== 'ok') return toHandlerResult(traits);
    try {
      const applied = await deps.db.transaction(async (tx) => {
        const result = await applyEvent(tx, event, traits.value, deps.now());
        if (result.type === 'ok') {
          await publishRecords(deps.bus, deps.codec, [{ key: result.value.profileId, value: result.value }]);
        }
        return result;
      });
      return toHandlerResult(applied);
    } catch (err) {
      return toHandlerResult(fromError(err));
    }
  };
}
