import type { Type } from 'avsc';
import { avroError, messageOf } from './errors';
import { fingerprint, fingerprintHex } from './fingerprint';
import type { SchemaRegistry } from './registry';

// Avro specification, "Single-object encoding": C3 01, 8-byte little-endian fingerprint, body.
const MAGIC_0 = 0xc3;
const MAGIC_1 = 0x01;
const HEADER_LENGTH = 10;

function headerFor(fp: bigint): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header.writeBigUInt64LE(fp, 2);
  return header;
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** avsc writes without checking; an unchecked wrong value can produce bytes that decode as something else. */
function checkValid(type: Type, value: unknown): void {
  if (type.isValid(value)) return;
  // Second pass only on failure: collecting paths costs allocations on the hot path.
  const problems: string[] = [];
  type.isValid(value, {
    errorHook: (path, bad, badType) => {
      problems.push(`${path.length > 0 ? path.join('.') : '(value)'}: expected ${badType.name ?? JSON.stringify(badType.schema())}, got ${preview(bad)}`);
    },
  });
  throw avroError('avro_encode_failed', `invalid ${type.name ?? type.typeName}: ${problems.join('; ')}`);
}

const INITIAL_SCRATCH_BYTES = 16 * 1024;

/**
 * Header and body written into a scratch buffer that starts with the header, then copied once
 * into a buffer of the exact size (toBuffer followed by a concat copied twice and zero-filled
 * both). The scratch grows to fit the largest record seen; encoding is synchronous, so one
 * scratch per writer is never shared by two records at once.
 */
function singleObjectWriter(header: Buffer, type: Type): (value: unknown) => Buffer {
  let scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);
  header.copy(scratch);
  return (value) => {
    checkValid(type, value);
    try {
      let end = type.encode(value, scratch, HEADER_LENGTH);
      if (end < 0) {
        // A negative end is minus the bytes that did not fit.
        scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
        header.copy(scratch);
        end = type.encode(value, scratch, HEADER_LENGTH);
      }
      const record = Buffer.allocUnsafe(end);
      scratch.copy(record, 0, 0, end);
      return record;
    } catch (err) {
      throw avroError('avro_encode_failed', `cannot encode ${type.name ?? type.typeName}: ${messageOf(err)}`, err);
    }
  };
}

function readHeader(buffer: Buffer): bigint {
  if (buffer.length < HEADER_LENGTH) {
    throw avroError('avro_bad_header', `single-object record too short: ${buffer.length} bytes, the header alone is ${HEADER_LENGTH}`);
  }
  if (buffer[0] !== MAGIC_0 || buffer[1] !== MAGIC_1) {
    throw avroError('avro_bad_header', `not an Avro single-object record: starts with ${buffer.subarray(0, 2).toString('hex')}, expected c301`);
  }
  return buffer.readBigUInt64LE(2);
}

/** Encodes `value` as an Avro single object written with `type`. Computes the fingerprint each call; codecs precompute it. */
export function encodeSingleObject(type: Type, value: unknown): Buffer {
  return singleObjectWriter(headerFor(fingerprint(type)), type)(value);
}

/**
 * Decodes an Avro single object: the writer schema is looked up in `registry`
 * by the fingerprint in the header and resolved into `reader`.
 */
export function decodeSingleObject(registry: SchemaRegistry, buffer: Buffer, reader: Type): unknown {
  const writerFp = readHeader(buffer);
  const writer = registry.writerOf(writerFp);
  if (writer === undefined) {
    throw avroError('avro_unknown_schema', `no writer schema registered with fingerprint ${fingerprintHex(writerFp)} (reading ${reader.name ?? reader.typeName})`);
  }
  const body = buffer.subarray(HEADER_LENGTH);
  const resolver = writerFp === registry.fingerprintOf(reader) ? undefined : registry.resolverFor(writerFp, reader);
  try {
    return reader.fromBuffer(body, resolver);
  } catch (err) {
    throw avroError('avro_decode_failed', `cannot decode ${writer.name ?? writer.typeName} (fingerprint ${fingerprintHex(writerFp)}): ${messageOf(err)}`, err);
  }
}

export interface SingleObjectCodec<T> {
  readonly type: Type;
  readonly fingerprint: bigint;
  encode(value: T): Buffer;
  decode(buffer: Buffer): T;
}

/**
 * Encodes with `type` as the writer schema and decodes any registered writer
 * into `type`. Registers `type`. `T` is the caller's promise that it matches the schema.
 */
export function createSingleObjectCodec<T>(registry: SchemaRegistry, type: Type): SingleObjectCodec<T> {
  const fp = registry.register(type);
  return {
    type,
    fingerprint: fp,
    encode: singleObjectWriter(headerFor(fp), type),
    decode(buffer) {
      return decodeSingleObject(registry, buffer, type) as T;
    },
  };
}
