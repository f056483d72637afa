import { type Attempt, decideInfra, redactUrl, sourcesToTry } from '../src/discovery';

const ok = (
  service: Attempt['service'],
  source: Attempt['source'],
  via: string,
  url: string,
  detail: string,
): Attempt => ({
  service,
  source,
  via,
  url,
  outcome: { ok: true, detail },
});
const failed = (
  service: Attempt['service'],
  source: Attempt['source'],
  via: string,
  url: string | null,
  reason: string,
): Attempt => ({
  service,
  source,
  via,
  url,
  outcome: { ok: false, reason },
});

describe('sourcesToTry', () => {
  it('tries only the environment when it names an address', () => {
    expect(sourcesToTry('kafka', { KAFKA_BROKERS: 'k:9092' })).toEqual(['environment']);
    expect(sourcesToTry('postgres', { DATABASE_URL: 'postgres://x' })).toEqual(['environment']);
  });

  it('tries Docker before the local machine otherwise', () => {
    expect(sourcesToTry('redis', { KAFKA_BROKERS: 'k:9092' })).toEqual(['docker', 'local']);
  });
});

describe('decideInfra', () => {
  const allLocal: Attempt[] = [
    failed('kafka', 'docker', 'docker', null, 'no Docker engine (no socket)'),
    ok('kafka', 'local', 'local script', '127.0.0.1:9092', 'Apache Kafka 3.9.1'),
    failed('postgres', 'docker', 'docker', null, 'no Docker engine (no socket)'),
    ok('postgres', 'local', 'local', 'postgres://postgres@127.0.0.1:5432/postgres', 'PostgreSQL 15.8'),
    failed('redis', 'docker', 'docker', null, 'no Docker engine (no socket)'),
    ok('redis', 'local', 'local', 'redis://127.0.0.1:6379', 'Redis 7.0.15'),
  ];

  it('takes the address that answered and prints one line per service', () => {
    const decision = decideInfra(allLocal, {});
    expect(decision.lines).toEqual([
      '[testkit] kafka: 127.0.0.1:9092 (local script, Apache Kafka 3.9.1)',
      '[testkit] postgres: postgres://postgres@127.0.0.1:5432/postgres (local, PostgreSQL 15.8)',
      '[testkit] redis: redis://127.0.0.1:6379 (local, Redis 7.0.15)',
    ]);
    expect(decision.env).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(decision.missing).toEqual([]);
    expect(decision.failure).toBeNull();
  });

  it('names what was tried for a missing service and marks it for skipping when not required', () => {
    const attempts = [
      failed('kafka', 'environment', 'KAFKA_BROKERS', '127.0.0.1:1', 'does not answer (ECONNREFUSED)'),
      ...allLocal.filter((attempt) => attempt.service !== 'kafka'),
    ];
    const decision = decideInfra(attempts, { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(decision.lines[0]).toBe(
      '[testkit] kafka: MISSING (tried KAFKA_BROKERS=127.0.0.1:1: does not answer (ECONNREFUSED)) - suites that need it are SKIPPED',
    );
    expect(decision.missing).toEqual(['kafka']);
    expect(decision.env.CJO_INFRA_MISSING).toBe('kafka');
    expect(decision.env.KAFKA_BROKERS).toBeUndefined();
    expect(decision.failure).toBeNull();
  });

  it('fails the run when infrastructure is required', () => {
    const attempts = allLocal.filter((attempt) => attempt.service === 'kafka');
    for (const env of [{ CI: 'true' }, { CJO_REQUIRE_INFRA: '1' }]) {
      const decision = decideInfra(attempts, env);
      expect(decision.missing).toEqual(['postgres', 'redis']);
      expect(decision.failure).toContain('test infrastructure missing: postgres, redis');
      expect(decision.env.CJO_INFRA_MISSING).toBeUndefined();
      expect(decision.lines[1]).toBe('[testkit] postgres: MISSING (nothing was tried) - the run fails');
    }
  });

  it('prefers the first attempt that answered', () => {
    const decision = decideInfra(
      [
        ok('redis', 'docker', 'docker redis:7', 'redis://localhost:32768', 'Redis 7.4.1'),
        ok('redis', 'local', 'local', 'redis://127.0.0.1:6379', 'Redis 7.0.15'),
      ],
      {},
    );
    expect(decision.env.REDIS_URL).toBe('redis://localhost:32768');
    expect(decision.lines[2]).toBe('[testkit] redis: redis://localhost:32768 (docker redis:7, Redis 7.4.1)');
  });

  it('never prints a password', () => {
    const decision = decideInfra(
      [ok('postgres', 'environment', 'DATABASE_URL', 'postgres://app:s3cret@db:5432/app', 'PostgreSQL 15.8')],
      {},
    );
    expect(decision.lines[1]).toBe(
      '[testkit] postgres: postgres://app:***@db:5432/app (from DATABASE_URL, PostgreSQL 15.8)',
    );
    expect(decision.env.DATABASE_URL).toBe('postgres://app:s3cret@db:5432/app');
    expect(redactUrl('redis://:pw@r:6379')).toBe('redis://:***@r:6379');
    expect(redactUrl('127.0.0.1:9092')).toBe('127.0.0.1:9092');
  });
});
