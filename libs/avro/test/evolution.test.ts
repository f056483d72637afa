import { compatibilityIssues, createSchemaRegistry, createSingleObjectCodec, parseSchema } from '../src';

// v1 -> v2: `channel` is added with a default, `legacyCode` (which had a default) is removed.
const v1Schema = {
  type: 'record',
  name: 'Order',
  namespace: 'test.evolution',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'legacyCode', type: 'string', default: 'none' },
  ],
};
const v2Schema = {
  type: 'record',
  name: 'Order',
  namespace: 'test.evolution',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'channel', type: ['null', 'string'], default: null },
  ],
};

interface OrderV1 { orderId: string; amount: number; legacyCode: string }
interface OrderV2 { orderId: string; amount: number; channel: string | null }

function setup() {
  // Both services know both versions, as the contract registers every released version.
  const registry = createSchemaRegistry();
  const v1 = createSingleObjectCodec<OrderV1>(registry, parseSchema(v1Schema));
  const v2 = createSingleObjectCodec<OrderV2>(registry, parseSchema(v2Schema));
  return { v1, v2 };
}

describe('schema evolution', () => {
  it('reads a v1 record with the v2 reader: added field takes its default, removed field is skipped', () => {
    const { v1, v2 } = setup();
    const decoded = v2.decode(v1.encode({ orderId: 'o-1', amount: 42, legacyCode: 'L7' }));
    expect(decoded).toEqual({ orderId: 'o-1', amount: 42, channel: null });
  });

  it('reads a v2 record with the v1 reader: removed field takes its old default, new field is skipped', () => {
    const { v1, v2 } = setup();
    const decoded = v1.decode(v2.encode({ orderId: 'o-2', amount: 7, channel: 'web' }));
    expect(decoded).toEqual({ orderId: 'o-2', amount: 7, legacyCode: 'none' });
  });

  it('gives the two versions different fingerprints', () => {
    const { v1, v2 } = setup();
    expect(v1.fingerprint).not.toBe(v2.fingerprint);
  });
});

describe('compatibilityIssues', () => {
  it('finds none between fully compatible versions, either way', () => {
    const v1 = parseSchema(v1Schema);
    const v2 = parseSchema(v2Schema);
    expect(compatibilityIssues(v1, v2)).toEqual([]);
    expect(compatibilityIssues(v2, v1)).toEqual([]);
  });

  it('names a field added without a default', () => {
    const v1 = parseSchema(v1Schema);
    const broken = parseSchema({ ...v1Schema, fields: [...v1Schema.fields, { name: 'region', type: 'string' }] });
    expect(compatibilityIssues(v1, broken)).toEqual([
      'field test.evolution.Order.region is missing from the writer and has no default in the reader',
    ]);
  });

  it('names a field whose type changed, also inside nested records and arrays', () => {
    const nested = (itemType: string) => ({
      type: 'record',
      name: 'Basket',
      namespace: 'test.evolution',
      fields: [
        { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: itemType }] } } },
      ],
    });
    const issues = compatibilityIssues(parseSchema(nested('string')), parseSchema(nested('int')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('field test.evolution.Basket.lines[].sku: cannot read');
  });

  it('accepts Avro promotions (int written, long read) but not the reverse', () => {
    const withType = (t: string) => parseSchema({ type: 'record', name: 'test.evolution.N', fields: [{ name: 'n', type: t }] });
    expect(compatibilityIssues(withType('int'), withType('long'))).toEqual([]);
    expect(compatibilityIssues(withType('long'), withType('int'))[0]).toContain('test.evolution.N.n');
  });
});
