import { Type } from '@sinclair/typebox';
import { ConfigError, loadConfig, redactConfig } from '@cjo/config';
import { serviceNames, standaloneConfigFields } from '../src';

describe('serviceNames', () => {
  it('uses the plain service name without a namespace', () => {
    expect(serviceNames('', 'identity')).toEqual({
      topicPrefix: '',
      consumerGroup: 'identity',
      pgSchema: 'identity',
      kvPrefix: 'identity:',
    });
  });

  it('prefixes every shared name with the namespace', () => {
    expect(serviceNames('staging', 'identity')).toEqual({
      topicPrefix: 'staging.',
      consumerGroup: 'staging.identity',
      pgSchema: 'staging_identity',
      kvPrefix: 'staging:identity:',
    });
  });
});

describe('standaloneConfigFields', () => {
  const schema = Type.Object(standaloneConfigFields(8099));

  it('defaults to the local infrastructure and the service port', () => {
    expect(loadConfig(schema, {})).toEqual({
      PORT: 8099,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:6379',
      CJO_NAMESPACE: '',
    });
  });

  it('reads a broker list and refuses a namespace that is not a safe name', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:9092,b:9092' }).KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(() => loadConfig(schema, { CJO_NAMESPACE: 'Prod.EU' })).toThrow(ConfigError);
  });

  it('treats connection URLs as secrets when logging', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://app:hunter2@db:5432/cjo' });
    expect(JSON.stringify(redactConfig(schema, config))).not.toContain('hunter2');
  });
});
