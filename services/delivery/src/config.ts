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
export const deliveryConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8086 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: LogLevel,
  KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['127.0.0.1:9092'] }),
  DATABASE_URL: Type.String({ minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/postgres' }),
  REDIS_URL: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379' }),
  /** How long one webhook call may take before it counts as a (retriable) timeout. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5000 }),
});

export type DeliveryConfig = Static<typeof deliveryConfigSchema>;
