import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@cjo/testkit';
import { repoRoot } from './ingest-process';

export interface ServiceProcess {
  url: string;
  pid: number | undefined;
  /** The last part of what the process wrote, for failure messages. */
  output(): string;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Runs a service's main.ts (`services/<name>/src/main.ts`) as its own Node process, on loopback
 * only, and waits for /health/ready. The same as the e2e runner, for any service.
 */
export async function startServiceProcess(options: {
  name: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const port = await freePort('127.0.0.1');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', `services/${options.name}/src/main.ts`], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-64_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? null : 128);
      resolveExit(exitCode);
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${options.name} exited during start-up (code ${exitCode}):\n${output.slice(-4000)}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready on ${url}:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }

  return {
    url,
    pid: child.pid,
    output: () => output,
    exited: () => exitCode !== undefined,
    async stop(graceMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A counter's value in a Prometheus text exposition (summed over its label sets); 0 when absent. */
export function counterValue(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
