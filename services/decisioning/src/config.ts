import { Type, type Static } from '@sinclair/typebox';

const LogLevel = Type.Union(
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

/** Keys are environment variable names (read by @cjo/config loadConfig). */
export const decisioningConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8085 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: LogLevel,
  KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['127.0.0.1:9092'] }),
  DATABASE_URL: Type.String({ minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/postgres' }),
  REDIS_URL: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379' }),
  CJO_ADMIN_TOKEN: Type.String({ minLength: 1, secret: true, description: 'Bearer token for the admin routes' }),
});

export type DecisioningConfig = Static<typeof decisioningConfigSchema>;
