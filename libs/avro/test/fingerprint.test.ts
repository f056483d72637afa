import { canonicalForm, fingerprint, parseSchema } from '../src';

const complexSchema = {
  type: 'record',
  name: 'R',
  namespace: 'a.b',
  doc: 'x',
  fields: [
    { name: 'f', doc: 'd', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'g', type: ['null', { type: 'record', name: 'S', fields: [{ name: 'h', type: 'string' }] }], default: null },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'] } },
    { name: 'fx', type: { type: 'fixed', name: 'F', size: 4 } },
    { name: 'arr', type: { type: 'array', items: 'S' } },
    { name: 'm', type: { type: 'map', values: 'double' } },
  ],
};

// Reference values computed once by Avro Java 1.12.0,
// org.apache.avro.SchemaNormalization.parsingFingerprint64 / toParsingForm (signed Java longs).
const javaVectors: Array<{ schema: string | object; fingerprint: bigint; canonical: string }> = [
  { schema: '"int"', fingerprint: 8247732601305521295n, canonical: '"int"' },
  { schema: '"string"', fingerprint: -8142146995180207161n, canonical: '"string"' },
  { schema: '"null"', fingerprint: 7195948357588979594n, canonical: '"null"' },
  {
    schema: complexSchema,
    fingerprint: 1261249560742447910n,
    canonical:
      '{"name":"a.b.R","type":"record","fields":[{"name":"f","type":"long"},{"name":"g","type":["null",{"name":"a.b.S","type":"record","fields":[{"name":"h","type":"string"}]}]},{"name":"e","type":{"name":"a.b.E","type":"enum","symbols":["A"]}},{"name":"fx","type":{"name":"a.b.F","type":"fixed","size":4}},{"name":"arr","type":{"type":"array","items":"a.b.S"}},{"name":"m","type":{"type":"map","values":"double"}}]}',
  },
];

describe('fingerprint', () => {
  it.each(javaVectors.map((v, i) => [i, v] as const))('matches Avro Java for vector %i', (_i, vector) => {
    const type = parseSchema(vector.schema);
    expect(canonicalForm(type)).toBe(vector.canonical);
    expect(BigInt.asIntN(64, fingerprint(type))).toBe(vector.fingerprint);
  });

  it('ignores doc, defaults and logical types, which are not part of the canonical form', () => {
    const bare = parseSchema({ type: 'record', name: 'a.b.T', fields: [{ name: 'x', type: 'long' }] });
    const decorated = parseSchema({
      type: 'record',
      name: 'T',
      namespace: 'a.b',
      doc: 'documented',
      fields: [{ name: 'x', doc: 'x', default: 0, type: { type: 'long', logicalType: 'timestamp-millis' } }],
    });
    expect(fingerprint(decorated)).toBe(fingerprint(bare));
  });

  it('is an unsigned 64-bit value', () => {
    const fp = fingerprint(parseSchema('"string"'));
    expect(fp).toBeGreaterThanOrEqual(0n);
    expect(fp < 1n << 64n).toBe(true);
  });
});
