import { Type } from 'avsc';
import { avroError, messageOf } from './errors';

/**
 * Parses an Avro schema (JSON text or an already parsed object). Logical types
 * are left unregistered on purpose: timestamp-millis stays a plain `number`.
 * Records decode to plain data objects (no generated helper methods).
 */
export function parseSchema(schema: string | object, source = 'schema'): Type {
  let json: unknown;
  try {
    json = typeof schema === 'string' ? JSON.parse(schema) : schema;
  } catch (err) {
    throw avroError('avro_bad_schema', `${source} is not valid JSON: ${messageOf(err)}`, err);
  }
  try {
    return Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { omitRecordMethods: true, wrapUnions: 'auto' });
  } catch (err) {
    throw avroError('avro_bad_schema', `${source} is not a valid Avro schema: ${messageOf(err)}`, err);
  }
}
