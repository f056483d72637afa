import { toCjoError } from '@cjo/errors';
import { batchResultMismatch } from './process-message';
import type { BatchMessageHandler, Bus, HandlerResult, IncomingMessage, RetryPolicy, Subscription } from './types';

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

/** A record whose value decoded, with the message it came in. */
export interface DecodedRecord<T> {
  value: T;
  message: IncomingMessage;
}

/** Returns exactly one result per record, in order (see BatchMessageHandler). */
export type RecordBatchHandler<T> = (records: Array<DecodedRecord<T>>) => Promise<HandlerResult[]>;

interface CommonSubscribeRecordsOptions<T> {
  groupId: string;
  codec: TopicCodec<T>;
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  partitionsConsumedConcurrently?: number;
}

export type SubscribeRecordsOptions<T> = CommonSubscribeRecordsOptions<T> &
  (
    | { handler: (value: T, message: IncomingMessage) => Promise<HandlerResult>; batchHandler?: never; maxBatchSize?: never }
    | { batchHandler: RecordBatchHandler<T>; handler?: never; maxBatchSize?: number }
  );

/** A record that does not decode can never succeed, so it goes to the DLQ without reaching the handler. */
function decodeOrDlq<T>(codec: TopicCodec<T>, message: IncomingMessage): DecodedRecord<T> | HandlerResult {
  try {
    return { value: codec.decode(message.value), message };
  } catch (err) {
    return { type: 'dlq', error: toCjoError(err, 'bus_decode_failed') };
  }
}

function isDecoded<T>(decoded: DecodedRecord<T> | HandlerResult): decoded is DecodedRecord<T> {
  return 'message' in decoded;
}

/** The batch handler over raw messages: decodes each, hands the decoded ones on and puts their results back in place. */
function decodingBatchHandler<T>(codec: TopicCodec<T>, handler: RecordBatchHandler<T>): BatchMessageHandler {
  return async (messages) => {
    const decoded = messages.map((message) => decodeOrDlq(codec, message));
    const records = decoded.filter(isDecoded);
    const results = records.length === 0 ? [] : await handler(records);
    if (results.length !== records.length) {
      throw batchResultMismatch(results.length, records.length);
    }
    let next = 0;
    return decoded.map((entry) => (isDecoded(entry) ? (results[next++] as HandlerResult) : entry));
  };
}

/** Subscribes to the codec's topic, one record or one batch at a time. */
export function subscribeRecords<T>(bus: Bus, options: SubscribeRecordsOptions<T>): Promise<Subscription> {
  const { codec } = options;
  const common = {
    groupId: options.groupId,
    topics: [codec.topic],
    ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.partitionsConsumedConcurrently === undefined
      ? {}
      : { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }),
  };
  if (options.batchHandler !== undefined) {
    return bus.subscribe({
      ...common,
      batchHandler: decodingBatchHandler(codec, options.batchHandler),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    });
  }
  const { handler } = options;
  return bus.subscribe({
    ...common,
    handler: async (message) => {
      const decoded = decodeOrDlq(codec, message);
      return isDecoded(decoded) ? handler(decoded.value, message) : decoded;
    },
  });
}
