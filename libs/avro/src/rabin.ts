/**
 * CRC-64-AVRO, the Rabin fingerprint the Avro specification defines for schema
 * fingerprints ("Schema Fingerprints" section). BigInt keeps the 64-bit
 * arithmetic exact; it runs once per schema, never per record.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

function buildTable(): readonly bigint[] {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      fp = (fp >> 1n) ^ (EMPTY & (MASK_64 * (fp & 1n)));
    }
    table.push(fp);
  }
  return table;
}

// A pure function of a constant: computed once, never mutated.
const TABLE = buildTable();

/** Unsigned 64-bit CRC-64-AVRO of `bytes`. */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) {
    const entry = TABLE[Number((fp ^ BigInt(byte)) & 0xffn)];
    if (entry === undefined) throw new RangeError('fingerprint table index out of range');
    fp = (fp >> 8n) ^ entry;
  }
  return fp;
}
