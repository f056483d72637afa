import { fromError, ok, publishRecords, type Bus, type StepResult, type TopicCodec } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';

export async function publishResolvedEvent(
  bus: Bus,
  codec: TopicCodec<ResolvedEvent>,
  event: ResolvedEvent,
): Promise<StepResult<ResolvedEvent>> {
  try {
    await publishRecords(bus, codec, [{ key: event.profileId, value: event }]);
    return ok(event);
  } catch (err) {
    return fromError(err);
  }
}
