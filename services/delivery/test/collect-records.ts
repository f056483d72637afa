import { subscribeRecords, type Bus, type TopicCodec } from '@cjo/bus';
import { uniqueName } from '@cjo/testkit';

export interface Collected<T> {
  records: T[];
  stop(): Promise<void>;
}

/** Reads a topic from the beginning in its own consumer group, keeping every record for assertions. */
export async function collectRecords<T>(bus: Bus, codec: TopicCodec<T>): Promise<Collected<T>> {
  const records: T[] = [];
  const subscription = await subscribeRecords(bus, {
    groupId: uniqueName('test_collector'),
    codec,
    fromBeginning: true,
    handler: async (value) => {
      records.push(value);
      return { type: 'ok' };
    },
  });
  return { records, stop: () => subscription.stop() };
}
