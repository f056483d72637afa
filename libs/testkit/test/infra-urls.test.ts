import { infraUrls } from '../src/index';

describe('infraUrls', () => {
  it('falls back to the local services', () => {
    expect(infraUrls({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it('reads the environment and splits the broker list', () => {
    const urls = infraUrls({
      KAFKA_BROKERS: 'a:9092, b:9092,',
      DATABASE_URL: 'postgres://u@db:5432/x',
      REDIS_URL: 'redis://r:6379',
    });
    expect(urls).toEqual({
      kafkaBrokers: ['a:9092', 'b:9092'],
      databaseUrl: 'postgres://u@db:5432/x',
      redisUrl: 'redis://r:6379',
    });
  });
});
