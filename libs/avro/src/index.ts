export type { Type } from 'avsc';
export type { AvroErrorCode } from './errors';
export { parseSchema } from './parse-schema';
export { canonicalForm, fingerprint } from './fingerprint';
export { createSchemaRegistry } from './registry';
export type { SchemaRegistry } from './registry';
export { encodeSingleObject, decodeSingleObject, createSingleObjectCodec } from './single-object';
export type { SingleObjectCodec } from './single-object';
export { compatibilityIssues } from './compatibility';
