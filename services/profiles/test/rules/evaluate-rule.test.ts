import { checkRule } from '../../src/rules/check-rule';
import { evaluateRule, nextTimedChange, ruleDependencies, type EvaluationContext } from '../../src/rules/compiled-rule';
import { compare } from '../../src/rules/operators';
import { fakeCatalog } from './fake-catalog';

function compiled(rule: unknown) {
  const result = checkRule(rule, fakeCatalog({ allowUnknown: true }));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result;
}

function context(overrides: Partial<EvaluationContext> = {}): EvaluationContext {
  return { now: 0, traits: {}, aggregate: () => null, groups: () => [], ...overrides };
}

describe('compare', () => {
  it.each([
    ['eq', 'pro', 'pro', true],
    ['eq', { a: 1, b: [2] }, { b: [2], a: 1 }, true],
    ['eq', undefined, null, false],
    ['eq', null, null, true],
    ['neq', undefined, 'pro', true],
    ['neq', 'pro', 'pro', false],
    ['gt', 5, 3, true],
    ['gt', '5', 3, false],
    ['gte', 3, 3, true],
    ['lt', 2, 3, true],
    ['lte', 4, 3, false],
    ['before', '2024-01-01', '2024-02-01T00:00:00Z', true],
    ['after', '2024-01-01', '2024-02-01T00:00:00Z', false],
    ['after', 'not a date', '2024-02-01T00:00:00Z', false],
    ['in', 'b', ['a', 'b'], true],
    ['in', undefined, ['a'], false],
    ['not_in', undefined, ['a'], true],
    ['contains', 'hello world', 'o w', true],
    ['contains', ['x', 'y'], 'y', true],
    ['contains', 42, '4', false],
    ['not_contains', ['x'], 'y', true],
    ['starts_with', 'hello', 'he', true],
    ['ends_with', 'hello', 'lo', true],
    ['exists', null, undefined, false],
    ['exists', 0, undefined, true],
    ['not_exists', undefined, undefined, true],
  ] as const)('%s(%j, %j) is %s', (op, actual, expected, result) => {
    expect(compare(op, actual, expected)).toBe(result);
  });
});

describe('evaluateRule', () => {
  it('combines conditions with and, or, not; a missing trait fails positive comparisons', () => {
    const { rule } = compiled({
      and: [{ or: [{ trait: 'plan', op: 'eq', value: 'pro' }, { trait: 'vip', op: 'eq', value: true }] }, { not: { trait: 'banned', op: 'exists' } }],
    });
    expect(evaluateRule(rule, context({ traits: { plan: 'pro' } }))).toBe(true);
    expect(evaluateRule(rule, context({ traits: { vip: true, banned: 'yes' } }))).toBe(false);
    expect(evaluateRule(rule, context({ traits: {} }))).toBe(false);
  });

  it('reads nested traits by dotted path, and a trait whose name holds a dot first', () => {
    const { rule } = compiled({ trait: 'address.city', op: 'eq', value: 'Oslo' });
    expect(evaluateRule(rule, context({ traits: { address: { city: 'Oslo' } } }))).toBe(true);
    expect(evaluateRule(rule, context({ traits: { 'address.city': 'Oslo', address: { city: 'Bergen' } } }))).toBe(true);
  });

  it('tests aggregates ("performed" is a count between atLeast and atMost) and group traits', () => {
    const performed = compiled({ performed: 'Order Completed', atLeast: 2, atMost: 3 });
    const id = performed.aggregates[0]?.id ?? '';
    const withCount = (count: number) => context({ aggregate: (asked) => (asked === id ? count : null) });
    expect([1, 2, 3, 4].map((count) => evaluateRule(performed.rule, withCount(count)))).toEqual([false, true, true, false]);

    const inGroup = compiled({ group: { id: 'acme', where: [{ trait: 'tier', op: 'eq', value: 'gold' }] } });
    expect(evaluateRule(inGroup.rule, context({ groups: () => [{ id: 'acme', traits: { tier: 'gold' } }] }))).toBe(true);
    expect(evaluateRule(inGroup.rule, context({ groups: () => [{ id: 'other', traits: { tier: 'gold' } }] }))).toBe(false);
    const anyGroup = compiled({ group: {} });
    expect(evaluateRule(anyGroup.rule, context({ groups: () => [{ id: 'x', traits: {} }] }))).toBe(true);
    expect(evaluateRule(anyGroup.rule, context())).toBe(false);
  });

  it('compares dates with the time of the evaluation, and names the next instant one of its conditions flips', () => {
    const day = 24 * 3600 * 1000;
    const now = Date.parse('2024-06-10T00:00:00.000Z');
    const { rule } = compiled({
      or: [{ trait: 'signedUpAt', op: 'within_last', value: '7d' }, { not: { trait: 'trialEndsAt', op: 'more_than_ahead', value: '3d' } }],
    });
    const traits = { signedUpAt: new Date(now - 8 * day).toISOString(), trialEndsAt: new Date(now + 5 * day).toISOString() };
    expect(evaluateRule(rule, context({ now, traits }))).toBe(false);
    // The signup left its window already; the trial comes within 3 days in 2 days.
    expect(nextTimedChange(rule, context({ now, traits }))).toBe(now + 2 * day);
    expect(evaluateRule(rule, context({ now: now + 2 * day, traits }))).toBe(true);
    expect(nextTimedChange(rule, context({ now: now + 2 * day, traits }))).toBeNull();
    expect(nextTimedChange(compiled({ trait: 'plan', op: 'eq', value: 'pro' }).rule, context({ now }))).toBeNull();
    expect(ruleDependencies(rule)).toMatchObject({ time: true, traits: new Set(['signedUpAt', 'trialEndsAt']) });
  });

  it('lists what a rule reads, so other changes skip it', () => {
    const { rule, aggregates } = compiled({
      and: [{ trait: 'address.city', op: 'exists' }, { performed: 'Signed Up' }, { group: { where: [{ trait: 'tier', op: 'exists' }] } }],
    });
    const deps = ruleDependencies(rule);
    expect([...deps.traits].sort()).toEqual(['address', 'address.city']);
    expect([...deps.aggregates]).toEqual(aggregates.map(({ id }) => id));
    expect(deps).toMatchObject({ groups: true, groupTraits: true });
  });
});
