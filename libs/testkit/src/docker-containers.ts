import type { Candidate } from './discover-infra';
import type { ProbeOutcome } from './discovery';
import type { InfraService } from './infra-flags';
import type { StartedResource } from './started-resources';
import { errorText, withTimeout } from './with-timeout';
import { freePort } from './free-port';

export const containerImages: Record<InfraService, string> = {
  kafka: 'apache/kafka:3.9.1',
  postgres: 'postgres:15',
  redis: 'redis:7',
};

const startupTimeoutMs = 180_000;

// testcontainers pulls in dockerode and ssh2; load it only on machines that get this far.
const loadTestcontainers = () => import('testcontainers');

export async function dockerEngine(): Promise<ProbeOutcome> {
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    const client = await withTimeout(getContainerRuntimeClient(), 15_000, 'looking for a Docker engine');
    return { ok: true, detail: `Docker engine at ${client.info.containerRuntime.host}` };
  } catch (err) {
    return { ok: false, reason: `no Docker engine (${errorText(err)})` };
  }
}

async function startKafka(host: string): Promise<{ id: string; url: string }> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  // Kafka tells clients the address to reconnect to, so that address must be
  // known before the broker starts: bind the same port on both sides.
  const port = await freePort();
  const container = await new GenericContainer(containerImages.kafka)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      // Same as the local broker: topics exist only when the bus creates them.
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return { id: container.getId(), url: `${host}:${port}` };
}

async function startPostgres(): Promise<{ id: string; url: string }> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const container = await new GenericContainer(containerImages.postgres)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    // The image starts the server twice (init scripts, then for real).
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return {
    id: container.getId(),
    url: `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
  };
}

async function startRedis(): Promise<{ id: string; url: string }> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const container = await new GenericContainer(containerImages.redis)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return { id: container.getId(), url: `redis://${container.getHost()}:${container.getMappedPort(6379)}` };
}

export async function startContainer(
  service: InfraService,
  record: (resource: StartedResource) => void,
): Promise<Candidate> {
  const image = containerImages[service];
  const via = `docker ${image}`;
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
    const started =
      service === 'kafka'
        ? await startKafka(host)
        : service === 'postgres'
          ? await startPostgres()
          : await startRedis();
    record({ kind: 'container', id: started.id, image });
    return { ok: true, via, url: started.url };
  } catch (err) {
    return { ok: false, via, reason: `container did not start (${errorText(err)})` };
  }
}

export async function stopContainer(id: string): Promise<void> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(id);
  await client.container.stop(container, { timeout: 10 });
  await client.container.remove(container, { removeVolumes: true });
}
