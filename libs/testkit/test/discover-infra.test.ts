import { type Candidate, type InfraProbes, discoverInfra } from '../src/discover-infra';
import type { ProbeOutcome } from '../src/discovery';
import type { InfraService } from '../src/infra-flags';

/** Fake probes that answer from a table and write down every call, in order. */
function fakeProbes(options: {
  answering: string[];
  docker: boolean;
  containers?: Partial<Record<InfraService, string>>;
}): { probes: InfraProbes; calls: string[] } {
  const calls: string[] = [];
  const probes: InfraProbes = {
    async check(service, url): Promise<ProbeOutcome> {
      calls.push(`check ${service} ${url}`);
      return options.answering.includes(url)
        ? { ok: true, detail: `${service} here` }
        : { ok: false, reason: 'refused' };
    },
    async dockerEngine(): Promise<ProbeOutcome> {
      calls.push('docker');
      return options.docker ? { ok: true, detail: 'engine' } : { ok: false, reason: 'no Docker engine' };
    },
    async startContainer(service): Promise<Candidate> {
      calls.push(`container ${service}`);
      const url = options.containers?.[service];
      return url
        ? { ok: true, via: `docker ${service}`, url }
        : { ok: false, via: `docker ${service}`, reason: 'pull failed' };
    },
    async local(service): Promise<Candidate> {
      calls.push(`local ${service}`);
      return service === 'kafka'
        ? { ok: true, via: 'local script', url: '127.0.0.1:9092', detail: 'Apache Kafka 3.9.1' }
        : { ok: true, via: 'local', url: `local-${service}` };
    },
  };
  return { probes, calls };
}

describe('discoverInfra', () => {
  it('uses the environment alone when it names every service, without asking for Docker', async () => {
    const env = { KAFKA_BROKERS: 'k:1', DATABASE_URL: 'pg', REDIS_URL: 'rd' };
    const { probes, calls } = fakeProbes({ answering: ['k:1', 'pg', 'rd'], docker: true });
    const attempts = await discoverInfra(env, probes);
    expect(calls).not.toContain('docker');
    expect(attempts.map((attempt) => [attempt.service, attempt.source, attempt.outcome.ok])).toEqual([
      ['kafka', 'environment', true],
      ['postgres', 'environment', true],
      ['redis', 'environment', true],
    ]);
  });

  it('does not fall back when an address from the environment does not answer', async () => {
    const { probes, calls } = fakeProbes({
      answering: ['127.0.0.1:9092', 'local-postgres', 'local-redis'],
      docker: false,
    });
    const attempts = await discoverInfra({ KAFKA_BROKERS: '127.0.0.1:1' }, probes);
    const kafka = attempts.filter((attempt) => attempt.service === 'kafka');
    expect(kafka).toHaveLength(1);
    expect(kafka[0]?.outcome).toEqual({ ok: false, reason: 'refused' });
    expect(calls).not.toContain('local kafka');
  });

  it('starts containers for what the environment lacks when Docker is there', async () => {
    const { probes, calls } = fakeProbes({
      answering: ['k:1', 'c-pg', 'c-redis'],
      docker: true,
      containers: { postgres: 'c-pg', redis: 'c-redis' },
    });
    const attempts = await discoverInfra({ KAFKA_BROKERS: 'k:1' }, probes);
    expect(calls.filter((call) => call === 'docker')).toHaveLength(1);
    expect(calls).not.toContain('container kafka');
    expect(calls).not.toContain('local postgres');
    expect(attempts.filter((attempt) => attempt.outcome.ok).map((attempt) => attempt.url)).toEqual([
      'k:1',
      'c-pg',
      'c-redis',
    ]);
  });

  it('falls back to the local machine when a container does not start', async () => {
    const { probes } = fakeProbes({
      answering: ['127.0.0.1:9092', 'local-postgres', 'c-redis'],
      docker: true,
      containers: { redis: 'c-redis' },
    });
    const attempts = await discoverInfra({}, probes);
    expect(attempts.map((attempt) => `${attempt.service}:${attempt.source}:${attempt.outcome.ok}`)).toEqual([
      'kafka:docker:false',
      'kafka:local:true',
      'postgres:docker:false',
      'postgres:local:true',
      'redis:docker:true',
    ]);
  });

  it('goes local without Docker and keeps the version the local script printed', async () => {
    const { probes, calls } = fakeProbes({ answering: ['127.0.0.1:9092', 'local-postgres'], docker: false });
    const attempts = await discoverInfra({}, probes);
    expect(calls.some((call) => call.startsWith('container'))).toBe(false);
    const kafka = attempts.find((attempt) => attempt.service === 'kafka' && attempt.source === 'local');
    expect(kafka?.outcome).toEqual({ ok: true, detail: 'Apache Kafka 3.9.1' });
    const dockerAttempt = attempts.find((attempt) => attempt.service === 'redis' && attempt.source === 'docker');
    expect(dockerAttempt?.outcome).toEqual({ ok: false, reason: 'no Docker engine' });
    const redisLocal = attempts.find((attempt) => attempt.service === 'redis' && attempt.source === 'local');
    expect(redisLocal?.outcome).toEqual({ ok: false, reason: 'refused' });
  });
});
