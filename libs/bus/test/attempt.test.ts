import { CjoError } from '@cjo/errors';
import { attempt } from '../src';

describe('attempt', () => {
  it('wraps a result', async () => {
    expect(await attempt(async () => 42)).toEqual({ type: 'ok', value: 42 });
  });

  it('retries when a dependency is unavailable', async () => {
    const error = new CjoError('db_unavailable', 'connection lost', { retriable: true });
    expect(await attempt(() => Promise.reject(error))).toEqual({ type: 'retry', error });
  });

  it('sends anything else to the DLQ', async () => {
    const result = await attempt(() => Promise.reject(new Error('boom')));
    expect(result.type).toBe('dlq');
    expect(result.type === 'dlq' && result.error.message).toBe('boom');
  });
});
