import type { Resolver, Type } from 'avsc';
import { avroError, messageOf } from './errors';
import { fingerprint, fingerprintHex } from './fingerprint';

/**
 * Every writer schema a process may meet, keyed by fingerprint: current
 * versions and all released older ones, so records written by an older (or
 * newer) producer still decode.
 */
export interface SchemaRegistry {
  /** Adds a writer schema; idempotent. Returns its fingerprint. */
  register(type: Type): bigint;
  /** The writer schema with this fingerprint, if registered. */
  writerOf(fp: bigint): Type | undefined;
  /** The fingerprint of `type` (cached; does not register it). */
  fingerprintOf(type: Type): bigint;
  /**
   * A resolver reading records written with the registered schema `writerFp`
   * as `reader`; built once per (writer, reader) pair. Throws `avro_incompatible`.
   */
  resolverFor(writerFp: bigint, reader: Type): Resolver;
}

export function createSchemaRegistry(): SchemaRegistry {
  const writers = new Map<bigint, Type>();
  const fingerprints = new WeakMap<Type, bigint>();
  const resolvers = new WeakMap<Type, Map<bigint, Resolver>>();

  function fingerprintOf(type: Type): bigint {
    let fp = fingerprints.get(type);
    if (fp === undefined) {
      fp = fingerprint(type);
      fingerprints.set(type, fp);
    }
    return fp;
  }

  function writerOf(fp: bigint): Type | undefined {
    return writers.get(fp);
  }

  return {
    register(type) {
      const fp = fingerprintOf(type);
      if (!writers.has(fp)) writers.set(fp, type);
      return fp;
    },
    writerOf,
    fingerprintOf,
    resolverFor(writerFp, reader) {
      let byWriter = resolvers.get(reader);
      if (byWriter === undefined) {
        byWriter = new Map();
        resolvers.set(reader, byWriter);
      }
      const cached = byWriter.get(writerFp);
      if (cached !== undefined) return cached;
      const writer = writerOf(writerFp);
      if (writer === undefined) {
        throw avroError('avro_unknown_schema', `no writer schema registered with fingerprint ${fingerprintHex(writerFp)}`);
      }
      let resolver: Resolver;
      try {
        resolver = reader.createResolver(writer);
      } catch (err) {
        throw avroError(
          'avro_incompatible',
          `records written with ${writer.name ?? writer.typeName} (fingerprint ${fingerprintHex(writerFp)}) cannot be read as ${reader.name ?? reader.typeName}: ${messageOf(err)}`,
          err,
        );
      }
      byWriter.set(writerFp, resolver);
      return resolver;
    },
  };
}
