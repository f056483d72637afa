import { applyTraitUpdate, fillTraitGaps, parseTraitUpdate, traitsDiff, type Traits, type TraitTimes } from '../../src/model/traits';

function apply(traits: Traits, times: TraitTimes, raw: Record<string, unknown>, time: number) {
  return applyTraitUpdate(traits, times, parseTraitUpdate(raw), time);
}

describe('trait updates', () => {
  it('splits the reserved $setOnce and $unset operators from plain traits, ignoring other $ names', () => {
    expect(parseTraitUpdate({ plan: 'pro', $setOnce: { source: 'ads', $x: 1 }, $unset: ['age', 3], $other: 1 })).toEqual({
      set: { plan: 'pro' },
      setOnce: { source: 'ads' },
      unset: ['age'],
    });
  });

  it('overwrites with later values, reports only real changes, and keeps nulls as values', () => {
    const traits: Traits = {};
    const times: TraitTimes = {};
    expect(apply(traits, times, { plan: 'free', address: { city: 'Oslo' } }, 1)).toHaveLength(2);
    expect(apply(traits, times, { plan: 'pro', address: { city: 'Oslo' } }, 2)).toEqual([
      { trait: 'plan', oldValueJson: '"free"', newValueJson: '"pro"' },
    ]);
    expect(apply(traits, times, { plan: null }, 3)).toEqual([{ trait: 'plan', oldValueJson: '"pro"', newValueJson: 'null' }]);
    expect(traits).toEqual({ plan: null, address: { city: 'Oslo' } });
  });

  it('lets an older event only fill traits that never had a value (events arrive out of order)', () => {
    const traits: Traits = { plan: 'pro' };
    const times: TraitTimes = { plan: 10 };
    expect(apply(traits, times, { plan: 'free', city: 'Oslo' }, 5)).toEqual([{ trait: 'city', oldValueJson: null, newValueJson: '"Oslo"' }]);
    expect(traits).toEqual({ plan: 'pro', city: 'Oslo' });
  });

  it('sets a $setOnce trait only while it has no value, and $unset removes for good against older events', () => {
    const traits: Traits = {};
    const times: TraitTimes = {};
    apply(traits, times, { $setOnce: { source: 'ads' } }, 1);
    expect(apply(traits, times, { $setOnce: { source: 'seo' } }, 2)).toEqual([]);
    expect(apply(traits, times, { $unset: ['source'] }, 3)).toEqual([{ trait: 'source', oldValueJson: '"ads"', newValueJson: null }]);
    expect(apply(traits, times, { source: 'late' }, 2)).toEqual([]);
    expect(apply(traits, times, { $setOnce: { source: 'seo' } }, 4)).toHaveLength(1);
    expect(traits).toEqual({ source: 'seo' });
  });

  it('fills gaps from a merged profile unless the survivor removed the trait more recently', () => {
    const traits: Traits = { plan: 'pro' };
    const times: TraitTimes = { plan: 5, city: 9 };
    const changes = fillTraitGaps(traits, times, { plan: 'free', city: 'Oslo', age: 40 }, { plan: 8, city: 7, age: 3 });
    expect(changes).toEqual([{ trait: 'age', oldValueJson: null, newValueJson: '40' }]);
    expect(traits).toEqual({ plan: 'pro', age: 40 });
    expect(traitsDiff({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 })).toEqual([
      { trait: 'b', oldValueJson: '2', newValueJson: '3' },
      { trait: 'c', oldValueJson: null, newValueJson: '4' },
    ]);
    expect(traitsDiff({ a: 1 }, {})).toEqual([{ trait: 'a', oldValueJson: '1', newValueJson: null }]);
  });
});
