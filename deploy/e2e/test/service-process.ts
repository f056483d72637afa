import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@cjo/testkit';

const repoRoot = resolve(__dirname, '../../..');

export type ServiceName = 'ingest' | 'identity' | 'profiles' | 'journeys' | 'decisioning' | 'delivery';

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Runs `services/<name>/src/main.ts` as its own Node process (TypeScript through
 * tsx's loader, so signals reach the service itself) and waits until its
 * /health/ready answers 200.
 */
export async function startServiceProcess(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort('127.0.0.1');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (hasExited) throw new Error(`${name} exited during start-up:\n${output}`);
        return (await fetch(`${url}/health/ready`)).status === 200;
      },
      { timeoutMs: 45_000, intervalMs: 200, message: `${name} ready on ${url}` },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not become ready:\n${output.slice(-4000)}`, { cause: err });
  }
  return {
    name,
    url,
    output: () => output,
    exited,
    kill: async (signal) => {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A counter's value on a service's /metrics (0 when it has no such series yet). `series` is the
 * metric's name, or its name and the start of its labels (`name{reason="duplicate"`).
 */
export async function counterValue(service: { url: string }, series: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(series.includes('{') ? series : `${series}{`));
  return Number(line?.split(' ').pop() ?? 0);
}
