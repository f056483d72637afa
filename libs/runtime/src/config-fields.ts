import { Type } from '@sinclair/typebox';

const logLevel = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ],
  { default: 'info' },
);

/**
 * The settings every service reads when it runs alone; a service's config
 * schema spreads these next to its own (keys are environment variable names).
 */
export function standaloneConfigFields(defaultPort: number) {
  return {
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort }),
    HOST: Type.String({ default: '0.0.0.0' }),
    LOG_LEVEL: logLevel,
    KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['127.0.0.1:9092'] }),
    DATABASE_URL: Type.String({ minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/postgres', secret: true }),
    REDIS_URL: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379', secret: true }),
    /**
     * Isolates one platform from others on the same Kafka, Postgres and Redis:
     * prefixes topics, consumer groups, schemas and keys. Empty: no prefix.
     */
    CJO_NAMESPACE: Type.String({ pattern: '^([a-z][a-z0-9_]{0,30})?$', default: '' }),
  };
}

/** The admin API's bearer token, for services that have admin routes. */
export const adminTokenField = Type.String({ minLength: 8, secret: true });

export { logLevel as logLevelField };
