import { CjoError } from '@cjo/errors';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { toBusError } from '../src/kafka/kafka-errors';

function protocolError(type: string, retriable: boolean): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code: 0, retriable }));
}

describe('toBusError', () => {
  test('a broker that cannot be reached is a retriable bus_unavailable', () => {
    const connection = new KafkaJSConnectionError('connect ECONNREFUSED 127.0.0.1:1');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 5, retryTime: 1000 });
    const error = toBusError(exhausted, 'publish to t');
    expect(error).toMatchObject({ code: 'bus_unavailable', retriable: true });
    expect(error.message).toContain('publish to t');
    expect(error.cause).toBe(exhausted);
  });

  test('an unknown topic is not retriable', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(toBusError(exhausted, 'publish')).toMatchObject({ code: 'bus_unknown_topic', retriable: false });
  });

  test('a request the broker refuses for good is bus_rejected', () => {
    expect(toBusError(protocolError('MESSAGE_TOO_LARGE', false), 'publish')).toMatchObject({
      code: 'bus_rejected',
      retriable: false,
    });
  });

  test('keeps a CjoError and wraps foreign errors as not retriable', () => {
    const own = new CjoError('bus_closed', 'closed');
    expect(toBusError(own, 'publish')).toBe(own);
    expect(toBusError(new TypeError('bad input'), 'publish')).toMatchObject({ code: 'bus_failed', retriable: false });
  });
});
