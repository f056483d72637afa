import { subscribeRecords, type Bus, type TopicCodec } from '@cjo/bus';
import { uniqueName } from '@cjo/testkit';

export interface Collected<T> {
  records: T[];
  /** keys[i] is the message key of records[i] (the partition key tests assert on). */
  keys: Array<string | null>;
  stop(): Promise<void>;
}

/** Reads a topic from the beginning in its own consumer group, keeping every record for assertions. */
export async function collectRecords<T>(bus: Bus, codec: TopicCodec<T>): Promise<Collected<T>> {
  const records: T[] = [];
  const keys: Array<string | null> = [];
  const subscription = await subscribeRecords(bus, {
    groupId: uniqueName('test_collector'),
    codec,
    fromBeginning: true,
    handler: async (value, message) => {
      records.push(value);
      keys.push(message.key);
      return { type: 'ok' };
    },
  });
  return { records, keys, stop: () => subscription.stop() };
}
