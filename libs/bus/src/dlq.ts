import type { CjoError } from '@cjo/errors';
import { DLQ_HEADERS, dlqTopicOf, type IncomingMessage, type OutgoingMessage } from './types';

/** Long stack-like messages make huge headers; the code is what tooling keys on. */
const MAX_ERROR_MESSAGE_LENGTH = 1000;

export interface DlqRecord {
  topic: string;
  message: OutgoingMessage;
}

/** The DLQ twin of a record: same key and value, original headers plus where it came from and why it failed. */
export function dlqRecordOf(message: IncomingMessage, error: CjoError, attempts: number): DlqRecord {
  return {
    topic: dlqTopicOf(message.topic),
    message: {
      // A null key cannot be re-published as such through the Bus; the DLQ only needs the record.
      key: message.key ?? '',
      value: message.value,
      headers: {
        ...message.headers,
        [DLQ_HEADERS.errorCode]: error.code,
        [DLQ_HEADERS.errorMessage]: error.message.slice(0, MAX_ERROR_MESSAGE_LENGTH),
        [DLQ_HEADERS.sourceTopic]: message.topic,
        [DLQ_HEADERS.sourcePartition]: String(message.partition),
        [DLQ_HEADERS.sourceOffset]: message.offset,
        [DLQ_HEADERS.attempts]: String(attempts),
      },
    },
  };
}
