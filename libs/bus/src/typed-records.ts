import { toCjoError } from '@cjo/errors';
import type { Bus, HandlerResult, IncomingMessage, RetryPolicy, Subscription } from './types';

/** Encodes and decodes one topic's values (implemented by @cjo/contract). decode throws a non-retriable CjoError. */
export interface TopicCodec<T> {
  readonly topic: string;
  encode(value: T): Buffer;
  decode(buffer: Buffer): T;
}

export interface TypedRecord<T> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

export async function publishRecords<T>(bus: Bus, codec: TopicCodec<T>, records: Array<TypedRecord<T>>): Promise<void> {
  if (records.length === 0) return;
  const messages = records.map((record) => ({
    key: record.key,
    value: codec.encode(record.value),
    ...(record.headers === undefined ? {} : { headers: record.headers }),
  }));
  await bus.publish(codec.topic, messages);
}

export interface SubscribeRecordsOptions<T> {
  groupId: string;
  codec: TopicCodec<T>;
  handler: (value: T, message: IncomingMessage) => Promise<HandlerResult>;
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  partitionsConsumedConcurrently?: number;
}

/** Subscribes to the codec's topic; a record that does not decode can never succeed, so it goes to the DLQ. */
export function subscribeRecords<T>(bus: Bus, options: SubscribeRecordsOptions<T>): Promise<Subscription> {
  const { codec, handler } = options;
  return bus.subscribe({
    groupId: options.groupId,
    topics: [codec.topic],
    ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.partitionsConsumedConcurrently === undefined
      ? {}
      : { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }),
    handler: async (message) => {
      let value: T;
      try {
        value = codec.decode(message.value);
      } catch (err) {
        const error = toCjoError(err, 'bus_decode_failed');
        return { type: 'dlq', error };
      }
      return handler(value, message);
    },
  });
}
