export type {
  BatchMessageHandler,
  Bus,
  ConsumeOptions,
  HandlerResult,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  RetryPolicy,
  Subscription,
  SubscriptionHealth,
  SubscriptionState,
  TopicSpec,
} from './types';
export { DLQ_HEADERS, dlqTopicOf } from './types';
export { type BusMetrics, type ProcessedResult, createBusMetrics, noBusMetrics } from './bus-metrics';
export { DEFAULT_RETRY_POLICY, backoffDelay, resolveRetryPolicy } from './backoff';
export { type StepResult, ok, drop, dlq, retry, toHandlerResult, fromError, attempt } from './pipeline';
export {
  type TopicCodec,
  type TypedRecord,
  type DecodedRecord,
  type RecordBatchHandler,
  type SubscribeRecordsOptions,
  publishRecords,
  subscribeRecords,
} from './typed-records';
export { type RecordConsumer, type RecordConsumerOptions, createRecordConsumer } from './record-consumer';
export { partitionForKey } from './partition';
export {
  createKafkaBus,
  type KafkaBusOptions,
  type KafkaConsumerTuning,
  type ProducerRequest,
} from './kafka/kafka-bus';
export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './memory/memory-bus';
