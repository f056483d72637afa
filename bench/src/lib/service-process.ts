import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@cjo/testkit';

export const repoRoot = resolve(__dirname, '../../..');

export interface ServiceProcess {
  url: string;
  pid: number | undefined;
  /** The last part of what the process wrote, for failure messages. */
  output(): string;
  /** Lines the service wrote after it became ready (at LOG_LEVEL=warn: its warnings and errors). */
  logLineCount(): number;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Runs `script` (relative to the repository, e.g. services/ingest/src/main.ts) as its own Node
 * process (as the e2e tests do), listening on loopback only, and waits for /health/ready.
 */
export async function startServiceProcess(options: {
  script: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const port = await freePort('127.0.0.1');
  const { script } = options;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let lines = 0;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    lines += text.split('\n').filter((line) => line.trim() !== '').length;
    output = (output + text).slice(-64_000);
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
    if (exitCode !== undefined) throw new Error(`${script} exited during start-up (code ${exitCode}):\n${output.slice(-4000)}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not become ready on ${url}:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
  const startupLines = lines;

  return {
    url,
    pid: child.pid,
    output: () => output,
    logLineCount: () => lines - startupLines,
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
