import { Type, type Static } from '@sinclair/typebox';

/** Keys are the environment variable names read by loadConfig. */
export const ingestConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8081, minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ], { default: 'info' }),
  KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { default: ['127.0.0.1:9092'], minItems: 1 }),
  DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/postgres' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  CJO_ADMIN_TOKEN: Type.String({ minLength: 1, secret: true }),
  /** How long a write key -> source lookup is cached; a disabled source is refused at the latest after this. */
  SOURCE_CACHE_TTL_MS: Type.Integer({ default: 60_000, minimum: 1 }),
});

export type IngestConfig = Static<typeof ingestConfigSchema>;
