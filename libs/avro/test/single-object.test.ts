import { CjoError } from '@cjo/errors';
import { createSchemaRegistry, createSingleObjectCodec, decodeSingleObject, encodeSingleObject, fingerprint, parseSchema } from '../src';

interface Greeting {
  id: string;
  count: number;
  note: string | null;
  sentAt: number;
}

const greetingSchema = {
  type: 'record',
  name: 'Greeting',
  namespace: 'test.avro',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'sentAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

const greeting: Greeting = { id: 'g-1', count: 3, note: null, sentAt: 1_700_000_000_123 };

function setup() {
  const registry = createSchemaRegistry();
  const type = parseSchema(greetingSchema);
  const codec = createSingleObjectCodec<Greeting>(registry, type);
  return { registry, type, codec };
}

function caught(fn: () => unknown): CjoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CjoError) return err;
    throw err;
  }
  throw new Error('expected a CjoError');
}

describe('single-object encoding', () => {
  it('writes C3 01, the little-endian fingerprint, then the Avro binary body', () => {
    const { type, codec } = setup();
    const encoded = codec.encode(greeting);
    expect(encoded.subarray(0, 2).toString('hex')).toBe('c301');
    expect(encoded.readBigUInt64LE(2)).toBe(fingerprint(type));
    expect(encoded.subarray(10).equals(type.toBuffer(greeting))).toBe(true);
    expect(encodeSingleObject(type, greeting).equals(encoded)).toBe(true);
  });

  it('round-trips values, timestamps as plain numbers and nullable fields as null or the value', () => {
    const { codec } = setup();
    expect(codec.decode(codec.encode(greeting))).toEqual(greeting);
    const withNote = { ...greeting, note: 'hi ✓' };
    expect(codec.decode(codec.encode(withNote))).toEqual(withNote);
    expect(typeof codec.decode(codec.encode(greeting)).sentAt).toBe('number');
  });

  it('encodes records of any size, each into a buffer of its own (a larger one grows the writer’s scratch)', () => {
    const { type, codec } = setup();
    const small = codec.encode(greeting);
    const large = codec.encode({ ...greeting, note: 'é'.repeat(50_000) });
    const afterLarge = codec.encode(greeting);
    expect(codec.decode(large)).toEqual({ ...greeting, note: 'é'.repeat(50_000) });
    expect(large.subarray(10).equals(type.toBuffer({ ...greeting, note: 'é'.repeat(50_000) }))).toBe(true);
    expect(afterLarge.equals(small)).toBe(true);
    // Later records do not overwrite earlier ones.
    expect(codec.decode(small)).toEqual(greeting);
  });

  it('rejects a wrong magic with avro_bad_header', () => {
    const { codec } = setup();
    const encoded = codec.encode(greeting);
    encoded[0] = 0x7b;
    const err = caught(() => codec.decode(encoded));
    expect(err.code).toBe('avro_bad_header');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('7b01');
  });

  it('rejects a record shorter than the header with avro_bad_header', () => {
    const { codec } = setup();
    expect(caught(() => codec.decode(Buffer.from([0xc3, 0x01, 0x00]))).code).toBe('avro_bad_header');
  });

  it('rejects an unknown fingerprint with avro_unknown_schema naming the fingerprint', () => {
    const { type } = setup();
    const otherRegistry = createSchemaRegistry();
    const encoded = encodeSingleObject(type, greeting);
    const err = caught(() => decodeSingleObject(otherRegistry, encoded, type));
    expect(err.code).toBe('avro_unknown_schema');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(fingerprint(type).toString(16).padStart(16, '0'));
  });

  it('rejects a truncated body with avro_decode_failed', () => {
    const { codec } = setup();
    const encoded = codec.encode(greeting);
    const err = caught(() => codec.decode(encoded.subarray(0, encoded.length - 3)));
    expect(err.code).toBe('avro_decode_failed');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('truncated');
  });

  it('rejects trailing bytes with avro_decode_failed', () => {
    const { codec } = setup();
    const encoded = Buffer.concat([codec.encode(greeting), Buffer.from([0x00])]);
    expect(caught(() => codec.decode(encoded)).code).toBe('avro_decode_failed');
  });

  it('refuses to encode an invalid value with avro_encode_failed naming the field', () => {
    const { codec } = setup();
    const invalid = { ...greeting, count: 'three' } as unknown as Greeting;
    const err = caught(() => codec.encode(invalid));
    expect(err.code).toBe('avro_encode_failed');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('count');
    const missing = { count: 1, note: null, sentAt: 0 } as unknown as Greeting;
    expect(caught(() => codec.encode(missing)).message).toContain('id: expected "string", got undefined');
  });

  it('reports a writer that cannot be resolved into the reader with avro_incompatible', () => {
    const { registry, codec } = setup();
    const otherWriter = parseSchema({ ...greetingSchema, fields: [{ name: 'id', type: 'int' }] });
    registry.register(otherWriter);
    const err = caught(() => codec.decode(encodeSingleObject(otherWriter, { id: 1 })));
    expect(err.code).toBe('avro_incompatible');
    expect(err.message).toContain('test.avro.Greeting');
  });
});
