import { Type, type Static } from '@sinclair/typebox';
import { logLevelField } from '@cjo/runtime';

/** Keys are environment variable names (read by @cjo/config loadConfig). */
export const embeddedConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  LOG_LEVEL: logLevelField,
  /** Where the embedded Postgres keeps its files. */
  CJO_DATA_DIR: Type.String({ minLength: 1, default: './.cjo-data' }),
  /** Bearer token of the admin APIs; generated at start when unset. */
  CJO_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 8, secret: true })),
});

export type EmbeddedConfig = Static<typeof embeddedConfigSchema>;
