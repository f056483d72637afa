import { CjoError } from '@cjo/errors';

export type AvroErrorCode =
  | 'avro_bad_schema'
  | 'avro_bad_header'
  | 'avro_unknown_schema'
  | 'avro_incompatible'
  | 'avro_decode_failed'
  | 'avro_encode_failed';

/** Avro failures are about the bytes or the schemas, so another try cannot succeed. */
export function avroError(code: AvroErrorCode, message: string, cause?: unknown): CjoError {
  return new CjoError(code, message, { retriable: false, cause });
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
