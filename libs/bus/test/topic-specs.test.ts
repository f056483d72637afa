import { withDlqTwins } from '../src/topic-specs';

describe('withDlqTwins', () => {
  test('adds a DLQ twin with the same settings to each topic', () => {
    const spec = { name: 'cjo.events.raw.v1', partitions: 6, cleanupPolicy: 'delete' as const, retentionMs: 1000 };
    expect(withDlqTwins([spec])).toEqual([spec, { ...spec, name: 'cjo.events.raw.v1.dlq' }]);
  });

  test('gives a DLQ no twin of its own and lists each topic once', () => {
    const spec = { name: 'a', partitions: 1, cleanupPolicy: 'compact' as const };
    const dlqSpec = { ...spec, name: 'a.dlq' };
    expect(withDlqTwins([spec, dlqSpec, spec]).map((s) => s.name)).toEqual(['a', 'a.dlq']);
  });
});
