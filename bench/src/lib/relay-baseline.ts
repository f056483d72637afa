import { createKafkaBus, publishRecords, subscribeRecords } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import { createLogger } from '@cjo/log';

/**
 * The baseline: the same bus, consumer settings and codecs as identity, doing everything but the
 * resolution: consume the raw topic in batches, re-key each event (by its key, no lookup), encode
 * it as a ResolvedEvent and publish the batch to `topic` with one call.
 */
export async function startRelay(options: {
  brokers: string[];
  contract: Contract;
  topic: string;
  groupId: string;
  maxBatchSize: number;
  partitionsConsumedConcurrently: number;
}): Promise<{ stop(): Promise<void> }> {
  const logger = createLogger({ name: 'bench-relay', level: 'warn' });
  const bus = createKafkaBus({ brokers: options.brokers, clientId: 'cjo-bench-relay', logger });
  const resolved = options.contract.codec('resolvedEvents');
  const subscription = await subscribeRecords(bus, {
    groupId: options.groupId,
    codec: options.contract.codec('rawEvents'),
    maxBatchSize: options.maxBatchSize,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    batchHandler: async (records) => {
      await publishRecords(
        bus,
        { ...resolved, topic: options.topic },
        records.map(({ value, message }) => ({ key: message.key ?? '', value: { profileId: message.key ?? '', ...value } })),
      );
      return records.map(() => ({ type: 'ok' as const }));
    },
  });
  return {
    async stop() {
      await subscription.stop();
      await bus.close();
    },
  };
}
