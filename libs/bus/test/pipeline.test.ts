import { CjoError } from '@cjo/errors';
import { dlq, drop, fromError, ok, retry, toHandlerResult } from '../src';

describe('pipeline helpers', () => {
  const permanent = new CjoError('bad_input', 'missing field');
  const transient = new CjoError('db_unavailable', 'connection lost', { retriable: true });

  test('build step results', () => {
    expect(ok(42)).toEqual({ type: 'ok', value: 42 });
    expect(drop('duplicate')).toEqual({ type: 'drop', reason: 'duplicate' });
    expect(dlq(permanent)).toEqual({ type: 'dlq', error: permanent });
    expect(retry(transient)).toEqual({ type: 'retry', error: transient });
  });

  test('toHandlerResult drops the value of ok and keeps the rest', () => {
    expect(toHandlerResult(ok({ big: 'value' }))).toEqual({ type: 'ok' });
    expect(toHandlerResult(drop('duplicate'))).toEqual({ type: 'drop', reason: 'duplicate' });
    expect(toHandlerResult(dlq(permanent))).toEqual({ type: 'dlq', error: permanent });
    expect(toHandlerResult(retry(transient))).toEqual({ type: 'retry', error: transient });
  });

  test('fromError retries only a retriable CjoError', () => {
    expect(fromError(transient)).toEqual({ type: 'retry', error: transient });
    expect(fromError(permanent)).toEqual({ type: 'dlq', error: permanent });
  });

  test('fromError sends anything else to the DLQ as a CjoError keeping the cause', () => {
    const thrown = new TypeError('undefined is not a function');
    const result = fromError(thrown);
    expect(result.type).toBe('dlq');
    if (result.type !== 'dlq') throw new Error('expected dlq');
    expect(result.error).toBeInstanceOf(CjoError);
    expect(result.error).toMatchObject({ code: 'internal_error', message: 'undefined is not a function', retriable: false });
    expect(result.error.cause).toBe(thrown);
    expect(fromError('a string')).toMatchObject({ type: 'dlq', error: { message: 'a string' } });
  });
});
