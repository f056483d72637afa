import { encodeSingleObject } from '@cjo/avro';
import { CjoError } from '@cjo/errors';
import { createContract, topics, topicSpecs, type TopicValues } from '../src';
import { loadSchemaFiles } from '../src/schema-files';
import { samples } from './samples';

const topicKeys = Object.keys(topics) as Array<keyof TopicValues>;

function fieldNames(schemaText: string): string[] {
  const schema: { fields: Array<{ name: string }> } = JSON.parse(schemaText);
  return schema.fields.map((field) => field.name);
}

describe('createContract', () => {
  const contract = createContract();
  const files = loadSchemaFiles();

  it.each(topicKeys)('%s: codec names its topic and round-trips a value', (key) => {
    const codec = contract.codec(key);
    expect(codec.topic).toBe(topics[key].name);
    const encoded = codec.encode(samples[key]);
    expect(encoded.subarray(0, 2).toString('hex')).toBe('c301');
    expect(codec.decode(encoded)).toEqual(samples[key]);
  });

  it.each(topicKeys)('%s: the TypeScript record has exactly the Avro fields, in Avro order', (key) => {
    const schema = files.current.get(topics[key].valueSchema);
    expect(schema).toBeDefined();
    if (schema === undefined) return;
    expect(Object.keys(samples[key])).toEqual(fieldNames(schema.text));
  });

  it('prefixes topic names with the namespace, in codecs and topic specs alike', () => {
    const namespaced = createContract({ namespace: 'test_abc_' });
    expect(namespaced.codec('rawEvents').topic).toBe('test_abc_cjo.events.raw.v1');
    expect(topicSpecs('test_abc_').map((spec) => spec.name)).toEqual(
      Object.values(topics).map((topic) => `test_abc_${topic.name}`),
    );
  });

  it.each(topicKeys)('%s: decodes records written with every released version', (key) => {
    const released = files.released.get(topics[key].valueSchema) ?? [];
    expect(released.length).toBeGreaterThan(0);
    for (const version of released) {
      expect(contract.codec(key).decode(encodeSingleObject(version.type, samples[key]))).toEqual(samples[key]);
    }
  });

  it('refuses a record of another topic with avro_incompatible', () => {
    const encoded = contract.codec('decisions').encode(samples.decisions);
    let error: unknown;
    try {
      contract.codec('deliveryOutcomes').decode(encoded);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CjoError);
    expect(error).toMatchObject({ code: 'avro_incompatible', retriable: false });
  });

  it('refuses to encode a value that does not match the schema, naming the field', () => {
    const invalid = { ...samples.deliveryOutcomes, attempts: 1.5 };
    expect(() => contract.codec('deliveryOutcomes').encode(invalid)).toThrow(/attempts/);
  });
});
