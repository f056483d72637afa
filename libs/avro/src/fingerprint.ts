import type { Type } from 'avsc';
import { rabinFingerprint64 } from './rabin';

/**
 * The schema's Parsing Canonical Form. avsc's `schema()` without options is
 * exactly that (full names, no doc/aliases/defaults/logical types, attributes
 * in canonical order); tests pin it against Avro Java's SchemaNormalization.
 */
export function canonicalForm(type: Type): string {
  return JSON.stringify(type.schema());
}

/** CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form, as an unsigned 64-bit integer. */
export function fingerprint(type: Type): bigint {
  return rabinFingerprint64(Buffer.from(canonicalForm(type), 'utf8'));
}

export function fingerprintHex(fp: bigint): string {
  return fp.toString(16).padStart(16, '0');
}
