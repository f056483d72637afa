import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Something globalSetup started and globalTeardown must stop. */
export type StartedResource =
  | { kind: 'container'; id: string; image: string }
  | { kind: 'local-kafka'; rootDir: string };

/*
 * jest runs globalSetup and globalTeardown in the same process but shares no
 * state between them except globals; a file named after the process keeps
 * the record instead, and survives for a look when teardown never runs.
 */
function markerPath(): string {
  return join(tmpdir(), `cjo-testkit-${process.pid}.json`);
}

export async function writeStarted(resources: readonly StartedResource[]): Promise<void> {
  await writeFile(markerPath(), JSON.stringify(resources), 'utf8');
}

export async function readStarted(): Promise<StartedResource[]> {
  try {
    return JSON.parse(await readFile(markerPath(), 'utf8')) as StartedResource[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function forgetStarted(): Promise<void> {
  await rm(markerPath(), { force: true });
}
