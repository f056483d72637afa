import { Type } from '@sinclair/typebox';
import { CjoError } from '@cjo/errors';
import { ConfigError, loadConfig, redactConfig, requiredVariables } from '../src';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8081 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')], { default: 'info' }),
  KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['127.0.0.1:9092'] }),
  DRY_RUN: Type.Boolean({ default: false }),
  CJO_ADMIN_TOKEN: Type.String({ minLength: 16, secret: true }),
  SENTRY_DSN: Type.Optional(Type.String()),
});

const token = 'a-very-long-admin-token';

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and leaves optional variables undefined', () => {
    const config = loadConfig(schema, { CJO_ADMIN_TOKEN: token });
    expect(config).toEqual({
      PORT: 8081,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DRY_RUN: false,
      CJO_ADMIN_TOKEN: token,
    });
  });

  it('converts numbers, booleans and comma-separated lists', () => {
    const config = loadConfig(schema, {
      PORT: '9000',
      DRY_RUN: 'true',
      KAFKA_BROKERS: 'a:9092, b:9092,,',
      LOG_LEVEL: 'debug',
      CJO_ADMIN_TOKEN: token,
    });
    expect(config.PORT).toBe(9000);
    expect(config.DRY_RUN).toBe(true);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig(schema, { PORT: '', HOST: '', CJO_ADMIN_TOKEN: token });
    expect(config.PORT).toBe(8081);
    expect(config.HOST).toBe('0.0.0.0');
    expect(() => loadConfig(schema, { CJO_ADMIN_TOKEN: '' })).toThrow(ConfigError);
  });

  it('reports every bad variable at once with what was expected and got', () => {
    const error = configErrorOf(() =>
      loadConfig(schema, { PORT: 'abc', LOG_LEVEL: 'loud', DRY_RUN: 'maybe', KAFKA_BROKERS: ',' }),
    );
    expect(error).toBeInstanceOf(CjoError);
    expect(error.code).toBe('config_invalid');
    expect(error.retriable).toBe(false);
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      ['CJO_ADMIN_TOKEN', 'DRY_RUN', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT'].sort(),
    );
    expect(error.message).toContain('PORT: expected an integer >= 1 and <= 65535, got "abc"');
    expect(error.message).toContain('LOG_LEVEL: expected one of "debug", "info", "warn", got "loud"');
    expect(error.message).toContain('DRY_RUN: expected true or false, got "maybe"');
    expect(error.message).toContain('CJO_ADMIN_TOKEN: expected a string (at least 16 characters), got nothing');
  });

  it('rejects out-of-range numbers', () => {
    const error = configErrorOf(() => loadConfig(schema, { PORT: '70000', CJO_ADMIN_TOKEN: token }));
    expect(error.problems).toEqual([{ variable: 'PORT', expected: 'an integer >= 1 and <= 65535', got: '"70000"' }]);
  });

  it('never echoes the value of a secret', () => {
    const error = configErrorOf(() => loadConfig(schema, { CJO_ADMIN_TOKEN: 'short-secret' }));
    expect(error.message).toContain('CJO_ADMIN_TOKEN');
    expect(error.message).not.toContain('short-secret');
  });
});

describe('redactConfig', () => {
  it('replaces secret values and keeps the rest', () => {
    const config = loadConfig(schema, { CJO_ADMIN_TOKEN: token });
    const redacted = redactConfig(schema, config);
    expect(redacted['CJO_ADMIN_TOKEN']).toBe('[redacted]');
    expect(redacted['PORT']).toBe(8081);
    expect(JSON.stringify(redacted)).not.toContain(token);
    expect(config.CJO_ADMIN_TOKEN).toBe(token);
  });
});

describe('requiredVariables', () => {
  it('lists keys that are required and have no default', () => {
    expect(requiredVariables(schema)).toEqual(['CJO_ADMIN_TOKEN']);
  });
});
