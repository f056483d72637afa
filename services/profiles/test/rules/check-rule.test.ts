import { checkRule } from '../../src/rules/check-rule';
import { fakeCatalog } from './fake-catalog';

function problemsOf(rule: unknown, allowUnknown = false): string[] {
  const result = checkRule(rule, fakeCatalog({ allowUnknown }));
  return result.ok ? [] : result.problems;
}

describe('checkRule: what a segment rule may say', () => {
  it('accepts every kind of condition and compiles "performed" into a count aggregate', () => {
    const result = checkRule(
      {
        or: [
          { and: [{ trait: 'plan', op: 'eq', value: 'pro' }, { trait: 'age', op: 'gte', value: 18 }] },
          { not: { trait: 'signup', op: 'before', value: '2024-01-01' } },
          { computedTrait: 'revenue', op: 'gt', value: 100 },
          { performed: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 50 }], atLeast: 2, atMost: 4, within: '30d' },
          { group: { id: 'acme', where: [{ trait: 'tier', op: 'in', value: ['gold', 'platinum'] }] } },
          { trait: 'address.city', op: 'eq', value: 'Oslo' },
          { trait: 'tags', op: 'contains', value: 'beta' },
        ],
      },
      fakeCatalog(),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.aggregates.map(({ spec }) => spec)).toEqual([
      { fn: 'sum', event: 'Order Completed', property: 'total', where: [], windowMs: null },
      { fn: 'count', event: 'Order Completed', property: null, where: [{ property: 'total', op: 'gt', value: 50 }], windowMs: 30 * 24 * 3600 * 1000 },
    ]);
    const performed = result.rule.kind === 'or' ? result.rule.rules[3] : undefined;
    expect(performed).toMatchObject({ kind: 'aggregate', tests: [{ op: 'gte', value: 2 }, { op: 'lte', value: 4 }] });
  });

  it('refuses empty groups', () => {
    expect(problemsOf({ and: [] })).toEqual(['rule.and: empty group: "and" needs at least one condition']);
    expect(problemsOf({ or: [{ and: [] }] })).toEqual(['rule.or[0].and: empty group: "and" needs at least one condition']);
    expect(problemsOf({ group: { where: [] } })).toEqual([
      'rule.group.where: must be a non-empty array of { trait, op, value } conditions (or left out)',
    ]);
  });

  it('names missing and unknown traits, with a hint', () => {
    expect(problemsOf({ op: 'eq', value: 'pro' })).toEqual([
      'rule: not a condition: it needs exactly one of and, or, not, trait, computedTrait, performed, group; got op, value (a comparison names what it compares: "trait" or "computedTrait")',
    ]);
    expect(problemsOf({ trait: 'plann', op: 'eq', value: 'pro' })).toEqual([
      'rule.trait: unknown trait "plann": never seen on an identify call (did you mean "plan"?); pass allowUnknown=true to define it ahead of the data',
    ]);
    expect(problemsOf({ trait: '', op: 'exists' })).toEqual(['rule.trait: the trait name must be a non-empty string of at most 512 characters']);
    expect(problemsOf({ trait: 'plann', op: 'eq', value: 'pro' }, true)).toEqual([]);
    expect(problemsOf({ computedTrait: 'revenu', op: 'gt', value: 1 })).toEqual([
      'rule.computedTrait: unknown computed trait "revenu" (did you mean "revenue"?); create it with POST /v1/computed-traits first',
    ]);
    expect(problemsOf({ performed: 'Order Complete' })).toEqual([
      'rule.performed: unknown event "Order Complete": no such event was seen yet (did you mean "Order Completed"?); pass allowUnknown=true to define it ahead of the data',
    ]);
  });

  it('names type mismatches between the operator, the value and the types seen in the data', () => {
    expect(problemsOf({ trait: 'plan', op: 'gt', value: 3 })).toEqual([
      'rule: type mismatch: trait "plan" holds string values, so "gt" 3 can never match (it needs number)',
    ]);
    expect(problemsOf({ trait: 'age', op: 'eq', value: 'thirty' })).toEqual([
      'rule: type mismatch: trait "age" holds number values, so "eq" "thirty" can never match (it needs string)',
    ]);
    expect(problemsOf({ trait: 'age', op: 'gt', value: '18' })).toEqual(['rule.value: "gt" compares numbers; the value must be a number']);
    expect(problemsOf({ trait: 'plan', op: 'before', value: '2024-01-01' })).toEqual([
      'rule: type mismatch: trait "plan" holds string values, so "before" "2024-01-01" can never match (it needs date)',
    ]);
    expect(problemsOf({ trait: 'signup', op: 'after', value: 'yesterday' })).toEqual([
      'rule.value: "after" compares dates; the value must be an ISO-8601 date such as "2024-05-01T00:00:00Z"',
    ]);
    expect(problemsOf({ computedTrait: 'revenue', op: 'starts_with', value: 'x' })).toEqual([
      'rule: type mismatch: computed trait "revenue" holds number values, so "starts_with" "x" can never match (it needs string)',
    ]);
    expect(problemsOf({ performed: 'Order Completed', where: [{ property: 'currency', op: 'lt', value: 5 }] })).toEqual([
      'rule.where[0]: type mismatch: property "currency" holds string values, so "lt" 5 can never match (it needs number)',
    ]);
    expect(problemsOf({ group: { where: [{ trait: 'seats', op: 'contains', value: 'x' }] } })).toEqual([
      'rule.group.where[0]: type mismatch: group trait "seats" holds number values, so "contains" "x" can never match (it needs string or array)',
    ]);
  });

  it('names unknown operators, missing and superfluous values, unknown fields', () => {
    expect(problemsOf({ trait: 'plan', op: 'greater', value: 1 })).toEqual([
      'rule.op: unknown operator "greater"; use one of eq, neq, gt, gte, lt, lte, before, after, in, not_in, contains, not_contains, starts_with, ends_with, exists, not_exists ' +
        '(trait and computedTrait conditions also take within_last, more_than_ago, within_next, more_than_ahead)',
    ]);
    expect(problemsOf({ trait: 'plan', value: 'pro' })[0]).toMatch(/^rule\.op: missing; comparing trait "plan" needs an operator/);
    expect(problemsOf({ trait: 'plan', op: 'eq' })).toEqual(['rule.value: "eq" needs a value']);
    expect(problemsOf({ trait: 'plan', op: 'exists', value: true })).toEqual(['rule.value: "exists" takes no value']);
    expect(problemsOf({ trait: 'plan', op: 'in', value: [] })).toEqual([
      'rule.value: "in" needs a non-empty array of strings, numbers, booleans or nulls',
    ]);
    expect(problemsOf({ trait: 'plan', op: 'eq', vaule: 'pro', value: 'pro' })).toEqual([
      'rule.vaule: unknown field; allowed here: trait, op, value',
    ]);
    expect(problemsOf({ trait: 'plan', op: 'eq', value: 'pro', not: { trait: 'age', op: 'exists' } })).toEqual([
      'rule: a condition has exactly one of and, or, not, trait, computedTrait, performed, group; this one has not and trait (wrap them in "and")',
    ]);
  });

  it('compiles relative date conditions on traits and computed traits, and names what is wrong with them', () => {
    const result = checkRule(
      { or: [{ trait: 'signup', op: 'within_last', value: '7d' }, { computedTrait: 'last_order', op: 'more_than_ago', value: '30d' }] },
      fakeCatalog({
        computedTrait: (name) =>
          name === 'last_order'
            ? { aggregateId: 'last-order', spec: { fn: 'last', event: 'Order Completed', property: null, where: [], windowMs: null }, valueTypes: ['date'] }
            : undefined,
      }),
    );
    expect(result.ok && result.rule).toEqual({
      kind: 'or',
      rules: [
        { kind: 'relativeDate', subject: { trait: 'signup' }, op: 'within_last', durationMs: 7 * 24 * 3600 * 1000 },
        { kind: 'relativeDate', subject: { aggregateId: 'last-order' }, op: 'more_than_ago', durationMs: 30 * 24 * 3600 * 1000 },
      ],
    });
    expect(problemsOf({ trait: 'signup', op: 'within_next', value: '7 days' })).toEqual([
      'rule.value: "within_next" needs a duration such as "90s", "15m", "12h", "7d" or "2w"',
    ]);
    expect(problemsOf({ trait: 'plan', op: 'within_last', value: '7d' })).toEqual([
      'rule: type mismatch: trait "plan" holds string values, so "within_last" can never match (it needs date)',
    ]);
    expect(problemsOf({ computedTrait: 'revenue', op: 'more_than_ahead', value: '1d' })).toEqual([
      'rule: type mismatch: computed trait "revenue" holds number values, so "more_than_ahead" can never match (it needs date)',
    ]);
    const elsewhere = /"within_last" compares a date with the current time, which only trait and computedTrait conditions do/;
    expect(problemsOf({ performed: 'Order Completed', where: [{ property: 'total', op: 'within_last', value: '1d' }] })[0]).toMatch(elsewhere);
    expect(problemsOf({ group: { where: [{ trait: 'tier', op: 'within_last', value: '1d' }] } })[0]).toMatch(elsewhere);
  });

  it('checks "performed" counts and windows', () => {
    expect(problemsOf({ performed: 'Order Completed', atLeast: 0 })).toEqual(['rule.atLeast: must be an integer of at least 1']);
    expect(problemsOf({ performed: 'Order Completed', atLeast: 3, atMost: 2 })).toEqual([
      'rule: atLeast (3) is more than atMost (2), so it can never match',
    ]);
    expect(problemsOf({ performed: 'Order Completed', within: '30 days' })).toEqual([
      'rule.within: must be a duration such as "90s", "15m", "12h", "30d" or "2w"',
    ]);
    expect(problemsOf({ performed: 'Order Completed', within: '30s' })).toEqual(['rule.within: 30s is too short; windows are at least 1m']);
    expect(problemsOf({ performed: 'Order Completed', within: '91d' })).toEqual([
      'rule.within: 91d is longer than the event history kept (90d, PROFILES_EVENT_RETENTION_DAYS), which windows are computed from',
    ]);
    expect(problemsOf({ performed: 'Order Completed', where: [{ property: 'totl', op: 'gt', value: 1 }] })).toEqual([
      'rule.where[0].property: unknown property "totl" of event "Order Completed" (did you mean "total"?)',
    ]);
  });

  it('reports every problem at once, and limits depth and size', () => {
    expect(problemsOf({ and: [{ trait: 'plan', op: 'gt', value: 3 }, { trait: 'nope', op: 'exists' }, 'x'] })).toHaveLength(3);
    let deep: unknown = { trait: 'plan', op: 'exists' };
    for (let i = 0; i < 11; i += 1) deep = { not: deep };
    expect(problemsOf(deep)).toEqual([`rule${'.not'.repeat(10)}: rules nest at most 10 levels deep`]);
    const wide = { or: Array.from({ length: 101 }, () => ({ trait: 'plan', op: 'exists' })) };
    expect(problemsOf(wide)).toEqual(['rule: 102 conditions; a rule holds at most 100']);
    expect(problemsOf(null)).toEqual([
      'rule: must be a condition object with one of and, or, not, trait, computedTrait, performed, group, got null',
    ]);
  });
});
