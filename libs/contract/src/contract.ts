import { createSchemaRegistry, createSingleObjectCodec, type SchemaRegistry } from '@cjo/avro';
import type { TopicCodec } from '@cjo/bus';
import { CjoError } from '@cjo/errors';
import type { TopicValues } from './records';
import { loadSchemaFiles, type SchemaFiles } from './schema-files';
import { topics } from './topics';

export interface Contract {
  /**
   * The codec of one catalogue topic: encodes with the current schema, decodes
   * records written with the current or any released version of it
   * (decode throws CjoError `avro_*`, retriable false).
   */
  codec<K extends keyof TopicValues>(topic: K): TopicCodec<TopicValues[K]>;
}

type Codecs = { readonly [K in keyof TopicValues]: TopicCodec<TopicValues[K]> };

export interface ContractOptions {
  /** Prefix of every topic name (see topicSpecs); empty by default. */
  namespace?: string;
}

function topicCodec<K extends keyof TopicValues>(
  files: SchemaFiles,
  registry: SchemaRegistry,
  key: K,
  namespace: string,
): TopicCodec<TopicValues[K]> {
  const definition = topics[key];
  const schema = files.current.get(definition.valueSchema);
  if (schema === undefined) {
    throw new CjoError('contract_schema_missing', `topic ${definition.name} needs schema ${definition.valueSchema}, but ${files.dir} has no ${definition.valueSchema}.avsc`);
  }
  const codec = createSingleObjectCodec<TopicValues[K]>(registry, schema.type);
  return { topic: namespace + definition.name, encode: codec.encode, decode: codec.decode };
}

/** Loads every schema under schemas/ (current and released) once and builds one codec per topic. */
export function createContract(options: ContractOptions = {}): Contract {
  const namespace = options.namespace ?? '';
  const files = loadSchemaFiles();
  const registry = createSchemaRegistry();
  for (const schema of files.current.values()) registry.register(schema.type);
  for (const versions of files.released.values()) {
    for (const version of versions) registry.register(version.type);
  }
  const codecs: Codecs = {
    rawEvents: topicCodec(files, registry, 'rawEvents', namespace),
    resolvedEvents: topicCodec(files, registry, 'resolvedEvents', namespace),
    profileChanges: topicCodec(files, registry, 'profileChanges', namespace),
    identityChanges: topicCodec(files, registry, 'identityChanges', namespace),
    segmentMemberships: topicCodec(files, registry, 'segmentMemberships', namespace),
    profileDeletions: topicCodec(files, registry, 'profileDeletions', namespace),
    decisionRequests: topicCodec(files, registry, 'decisionRequests', namespace),
    decisions: topicCodec(files, registry, 'decisions', namespace),
    deliveryOutcomes: topicCodec(files, registry, 'deliveryOutcomes', namespace),
  };
  return {
    codec(topic) {
      return codecs[topic];
    },
  };
}
