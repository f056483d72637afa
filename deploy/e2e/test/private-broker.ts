import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './service-configs';

const run = promisify(execFile);
const script = join(repoRoot, 'deploy', 'local', 'kafka', 'kafka.sh');

export interface PrivateBroker {
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the broker and deletes its data. */
  dispose(): Promise<void>;
}

/**
 * A second real Kafka broker, owned by one test, on its own ports and data
 * folder (deploy/local/kafka/kafka.sh), so the test can take it away without
 * disturbing the broker the other tests share.
 */
export function privateBroker(port: number, controllerPort: number): PrivateBroker {
  const dataDir = mkdtempSync(join(tmpdir(), 'cjo-private-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_HEAP: '384m',
  };
  const kafka = async (command: 'start' | 'stop') => {
    await run('bash', [script, command], { env, timeout: 120_000 });
  };
  return {
    brokers: `127.0.0.1:${port}`,
    start: () => kafka('start'),
    stop: () => kafka('stop'),
    async dispose() {
      await kafka('stop');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
