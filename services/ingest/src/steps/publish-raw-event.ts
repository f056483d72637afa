import { fromError, ok, publishRecords, type Bus, type StepResult, type TopicCodec } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';
import type { KeyedRawEvent } from './build-raw-event';

/** Resolves only once the bus acknowledged the record, so a 200 means the event is durable. */
export async function publishRawEvent(
  bus: Bus,
  codec: TopicCodec<RawEvent>,
  record: KeyedRawEvent,
): Promise<StepResult<RawEvent>> {
  try {
    await publishRecords(bus, codec, [{ key: record.key, value: record.event }]);
    return ok(record.event);
  } catch (err) {
    return fromError(err);
  }
}
