import { mergeTraits } from '../../src/steps/merge-traits';
import { parseTraits } from '../../src/steps/parse-traits';

describe('parseTraits', () => {
  it('reads the traits of an identify event', () => {
    expect(parseTraits({ type: 'identify', traitsJson: '{"plan":"pro"}', messageId: 'm' })).toEqual({
      type: 'ok',
      value: { plan: 'pro' },
    });
  });

  it('ignores traits on other event types', () => {
    expect(parseTraits({ type: 'track', traitsJson: '{"plan":"pro"}', messageId: 'm' })).toEqual({ type: 'ok', value: {} });
  });

  it.each([['not JSON', '{plan'], ['an array', '[1]'], ['null', 'null']])('sends %s traits to the DLQ', (_label, json) => {
    const result = parseTraits({ type: 'identify', traitsJson: json, messageId: 'm' });
    expect(result.type === 'dlq' && result.error.code).toBe('invalid_traits');
  });
});

describe('mergeTraits', () => {
  it('adds new traits and overwrites changed ones, reporting both', () => {
    expect(mergeTraits({ plan: 'free', email: 'a@example.com' }, { plan: 'pro', age: 30 })).toEqual({
      traits: { plan: 'pro', email: 'a@example.com', age: 30 },
      changes: [
        { trait: 'plan', oldValueJson: '"free"', newValueJson: '"pro"' },
        { trait: 'age', oldValueJson: null, newValueJson: '30' },
      ],
    });
  });

  it('reports nothing for values that are deeply equal', () => {
    expect(mergeTraits({ address: { city: 'Oslo', zip: '0150' } }, { address: { zip: '0150', city: 'Oslo' } })).toEqual({
      traits: { address: { city: 'Oslo', zip: '0150' } },
      changes: [],
    });
  });

  it('records a trait set to null as a change to JSON null', () => {
    expect(mergeTraits({ plan: 'pro' }, { plan: null }).changes).toEqual([
      { trait: 'plan', oldValueJson: '"pro"', newValueJson: 'null' },
    ]);
  });
});
