import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@cjo/log';

export interface Poller {
  start(): void;
  /** Stops polling and waits for the pass in flight; safe to call twice. */
  stop(): Promise<void>;
  /** Runs a pass now instead of at the next tick (e.g. a segment was just created here). */
  wake(): void;
}

/**
 * Calls `run` every `intervalMs`, at once again while it says there is more to do. A failing pass
 * is logged and tried at the next tick; several instances poll the same tables safely because every
 * pass takes its rows with FOR UPDATE SKIP LOCKED or a lease.
 */
export function createPoller(options: { name: string; intervalMs: number; logger: Logger; run: () => Promise<boolean> }): Poller {
  const stopping = new AbortController();
  let wakeUp = new AbortController();
  let loop: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  const pause = async (): Promise<void> => {
    const signal = AbortSignal.any([stopping.signal, wakeUp.signal]);
    await sleep(options.intervalMs, undefined, { signal }).catch(() => undefined);
    if (wakeUp.signal.aborted) wakeUp = new AbortController();
  };

  const runLoop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let more = false;
      try {
        more = await options.run();
      } catch (err) {
        options.logger.warn({ err, worker: options.name }, 'background pass failed; retrying at the next tick');
      }
      if (!more) await pause();
    }
  };

  return {
    start() {
      loop ??= runLoop();
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await loop;
      })();
      return stopped;
    },
    wake() {
      wakeUp.abort();
    },
  };
}
