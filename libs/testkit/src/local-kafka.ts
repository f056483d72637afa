import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Candidate } from './discover-infra';
import type { ProbeOutcome } from './discovery';
import type { StartedResource } from './started-resources';
import { errorText } from './with-timeout';

const run = promisify(execFile);
const script = join('deploy', 'local', 'kafka', 'kafka.sh');
// The first start downloads the broker's jars with Maven.
const startTimeoutMs = 10 * 60_000;

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

export interface LocalKafkaOptions {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  check: (url: string) => Promise<ProbeOutcome>;
  record: (resource: StartedResource) => void;
}

/**
 * Runs `kafka.sh start`, which returns at once when a broker already answers
 * and prints the broker version on stdout. Only a broker that did not answer
 * before is recorded as ours to stop.
 */
export async function startLocalKafka({ rootDir, env, check, record }: LocalKafkaOptions): Promise<Candidate> {
  const via = 'local script';
  const url = `127.0.0.1:${env.KAFKA_PORT || '9092'}`;
  try {
    await access(join(rootDir, script));
  } catch {
    return { ok: false, via, reason: `${script} not found under ${rootDir}` };
  }
  const answeredBefore = (await check(url)).ok;
  try {
    const { stdout } = await run('bash', [script, 'start'], { cwd: rootDir, env, timeout: startTimeoutMs });
    if (!answeredBefore) record({ kind: 'local-kafka', rootDir });
    // kafka.sh knows the version only of a broker it started itself.
    const version = stdout.trim().split('\n').pop() || 'unknown';
    const detail =
      version === 'unknown' ? 'Apache Kafka, started elsewhere, version unknown' : `Apache Kafka ${version}`;
    return { ok: true, via, url, detail };
  } catch (err) {
    const output = err as { stderr?: string };
    const why = output.stderr ? lastLines(output.stderr, 3) : errorText(err);
    return { ok: false, via, reason: `bash ${script} start failed: ${why}` };
  }
}

export async function stopLocalKafka(rootDir: string): Promise<void> {
  await run('bash', [script, 'stop'], { cwd: rootDir, timeout: 60_000 });
}
