import { CjoError } from '@cjo/errors';
import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';

/**
 * Maps a kafkajs failure to the bus's error codes. Running out of retries is what a
 * broker that cannot be reached looks like, so that is `bus_unavailable` (retriable);
 * the broker refusing the request for good is not retriable.
 */
export function toBusError(err: unknown, action: string): CjoError {
  if (err instanceof CjoError) return err;
  if (!(err instanceof KafkaJSError)) {
    return new CjoError('bus_failed', `${action}: ${messageOf(err)}`, { cause: err });
  }
  const protocolError = findProtocolError(err);
  if (protocolError?.type === 'UNKNOWN_TOPIC_OR_PARTITION') {
    return new CjoError('bus_unknown_topic', `${action}: topic does not exist`, { cause: err });
  }
  if (protocolError !== undefined && !protocolError.retriable) {
    return new CjoError('bus_rejected', `${action}: ${protocolError.message}`, { cause: err });
  }
  return new CjoError('bus_unavailable', `${action}: ${err.message}`, { retriable: true, cause: err });
}

function findProtocolError(err: unknown): KafkaJSProtocolError | undefined {
  for (let current: unknown = err, depth = 0; current instanceof Error && depth < 10; depth += 1) {
    if (current instanceof KafkaJSProtocolError) return current;
    current = current.cause;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
