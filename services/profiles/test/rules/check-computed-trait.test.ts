import { checkComputedTrait } from '../../src/rules/check-computed-trait';
import { fakeCatalog } from './fake-catalog';

const problems = (input: Parameters<typeof checkComputedTrait>[0], allowUnknown = false): string[] => {
  const result = checkComputedTrait(input, fakeCatalog({ allowUnknown }));
  return result.ok ? [] : result.problems;
};

describe('checkComputedTrait', () => {
  it('builds the aggregate of a valid definition, with the type of its value', () => {
    const result = checkComputedTrait({ function: 'avg', event: 'Order Completed', property: 'total', window: '30d' }, fakeCatalog());
    expect(result).toMatchObject({
      ok: true,
      spec: { fn: 'avg', event: 'Order Completed', property: 'total', where: [], windowMs: 30 * 86_400_000 },
      valueTypes: ['number'],
    });
    expect(checkComputedTrait({ function: 'last', event: '$page' }, fakeCatalog())).toMatchObject({ ok: true, valueTypes: ['string', 'date'] });
    expect(checkComputedTrait({ function: 'last', event: 'Order Completed', property: 'currency' }, fakeCatalog())).toMatchObject({
      ok: true,
      valueTypes: ['string'],
    });
  });

  it('refuses a numeric function without a numeric property', () => {
    expect(problems({ function: 'sum', event: 'Order Completed' })).toEqual([
      'property: "sum" needs a property: the number it aggregates (e.g. "revenue")',
    ]);
    expect(problems({ function: 'max', event: 'Order Completed', property: 'currency' })).toEqual([
      'property: type mismatch: property "currency" of "Order Completed" holds string values; "max" needs numbers',
    ]);
  });

  it('names unknown events and properties unless allowUnknown, and bad windows always', () => {
    expect(problems({ function: 'count', event: 'Order Complete' })[0]).toContain('unknown event "Order Complete"');
    expect(problems({ function: 'sum', event: 'Order Completed', property: 'price' })[0]).toContain('unknown property "price"');
    expect(problems({ function: 'sum', event: 'Refund Issued', property: 'amount' }, true)).toEqual([]);
    expect(problems({ function: 'count', event: 'Order Completed', window: '120d' }, true)[0]).toContain('longer than the event history kept');
    expect(problems({ function: 'count', event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 'ten' }] })).toEqual([
      'where[0].value: "gt" compares numbers; the value must be a number',
    ]);
  });

  it('gives equal definitions the same aggregate id and different ones different ids', () => {
    const a = checkComputedTrait({ function: 'count', event: 'Order Completed', window: '7d' }, fakeCatalog());
    const b = checkComputedTrait({ function: 'count', event: 'Order Completed', window: '7d' }, fakeCatalog());
    const c = checkComputedTrait({ function: 'count', event: 'Order Completed', window: '1w' }, fakeCatalog());
    const d = checkComputedTrait({ function: 'count', event: 'Order Completed', window: '8d' }, fakeCatalog());
    if (!(a.ok && b.ok && c.ok && d.ok)) throw new Error('definitions should be valid');
    expect(a.aggregateId).toBe(b.aggregateId);
    expect(a.aggregateId).toBe(c.aggregateId);
    expect(a.aggregateId).not.toBe(d.aggregateId);
  });
});
