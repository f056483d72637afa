import { existsSync } from 'node:fs';
import path from 'node:path';
import { topics, topicSpecs } from '../src';
import { defaultSchemasDir } from '../src/schema-files';

const definitions = Object.values(topics);

describe('topic catalogue', () => {
  it.each(definitions.map((t) => [t.name, t.valueSchema] as const))('%s has its value schema %s as a file', (_name, valueSchema) => {
    expect(existsSync(path.join(defaultSchemasDir, `${valueSchema}.avsc`))).toBe(true);
  });

  it('has unique topic names, none ending in .dlq (the bus adds those)', () => {
    const names = definitions.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.endsWith('.dlq'))).toEqual([]);
  });

  it('gives every topic positive partitions, a major version suffix, a key and a description', () => {
    for (const t of definitions) {
      expect({ name: t.name, partitionsPositive: Number.isInteger(t.partitions) && t.partitions > 0 }).toEqual({ name: t.name, partitionsPositive: true });
      expect(t.name).toMatch(/^cjo\.[a-z.-]+\.v[1-9][0-9]*$/);
      expect(t.key.length).toBeGreaterThan(0);
      expect(t.description.length).toBeGreaterThan(0);
    }
  });

  it('turns every topic into a bus topic spec', () => {
    expect(topicSpecs()).toEqual(
      definitions.map((t) => ({ name: t.name, partitions: t.partitions, cleanupPolicy: t.cleanupPolicy, retentionMs: t.retentionMs })),
    );
    expect(topicSpecs().every((spec) => spec.retentionMs === 7 * 24 * 60 * 60 * 1000)).toBe(true);
  });

  it('is frozen, so no caller can change it for everyone', () => {
    expect(Object.isFrozen(topics)).toBe(true);
    expect(Object.isFrozen(topics.rawEvents)).toBe(true);
  });
});
