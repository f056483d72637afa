import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredVariables } from '@cjo/config';
import { parse } from 'yaml';
import { appServices, defaultPortOf, repoRoot as rootDir } from './service-configs';

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
}

// Compose resolves `<<:` merge keys, so the test must too.
const compose = parse(readFileSync(join(rootDir, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
function serviceNamed(name: string): ComposeService {
  const service = compose.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
}

function environmentOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** "8081:8081" or "127.0.0.1:8081:8081" -> published and container port. */
function portMappings(service: ComposeService): Array<{ published: number; target: number }> {
  return (service.ports ?? []).map((port) => {
    const parts = String(port).split(':');
    const target = Number(parts[parts.length - 1]);
    return { published: Number(parts.length > 1 ? parts[parts.length - 2] : target), target };
  });
}


describe('docker-compose.yml', () => {
  it('names the infrastructure and all six services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['kafka', 'postgres', 'redis', ...appServices.map(([name]) => name)].sort(),
    );
    expect(serviceNamed('kafka').image).toBe('apache/kafka:3.9.1');
    expect(serviceNamed('postgres').image).toBe('postgres:15');
    expect(serviceNamed('redis').image).toMatch(/^redis:7/);
  });

  it('advertises Kafka at kafka:9092 inside the network', () => {
    expect(environmentOf(serviceNamed('kafka')).KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka:9092');
  });

  describe.each(appServices)('%s', (name, schema) => {
    const service = serviceNamed(name);
    const environment = environmentOf(service);

    it('provides every variable its config requires', () => {
      const required = requiredVariables(schema);
      const missing = required.filter((variable) => !environment[variable]);
      expect(missing).toEqual([]);
    });

    it('points at the infrastructure in the compose network, not at the local defaults', () => {
      expect(environment).toMatchObject({
        SERVICE: name,
        KAFKA_BROKERS: 'kafka:9092',
        DATABASE_URL: expect.stringMatching(/^postgres:\/\/[^@]+@postgres:5432\//),
        REDIS_URL: 'redis://redis:6379',
      });
    });

    it('listens on its own port and publishes it', () => {
      const port = Number(environment.PORT);
      expect(port).toBe(defaultPortOf(schema));
      expect(portMappings(service)).toEqual([{ published: port, target: port }]);
    });

    it('is built from the shared image, waits for healthy infrastructure and reports readiness', () => {
      expect(service.build?.dockerfile).toBe('deploy/docker/Dockerfile');
      expect(service.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(JSON.stringify(service.healthcheck?.test)).toContain('/health/ready');
    });

    it('has the entry point the image runs', () => {
      expect(existsSync(join(rootDir, 'services', name, 'src', 'main.ts'))).toBe(true);
    });
  });
});
