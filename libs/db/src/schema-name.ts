import { CjoError } from '@cjo/errors';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** Schema names go into SQL text and connection options, so only plain identifiers are allowed. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema) || schema.length > 63) {
    throw new CjoError('db_invalid_schema', `schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  return schema;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
