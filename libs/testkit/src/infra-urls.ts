/** Where the test infrastructure answers; the defaults are the local services `.ci/run` starts. */
export interface InfraUrls {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

export const localDefaults = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
} as const;

export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** Reads the URLs the jest globalSetup wrote into the environment. */
export function infraUrls(env: NodeJS.ProcessEnv = process.env): InfraUrls {
  return {
    kafkaBrokers: parseBrokers(env.KAFKA_BROKERS || localDefaults.KAFKA_BROKERS),
    databaseUrl: env.DATABASE_URL || localDefaults.DATABASE_URL,
    redisUrl: env.REDIS_URL || localDefaults.REDIS_URL,
  };
}
