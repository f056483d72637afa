import type { Logger } from '@cjo/log';

export type Stopper = () => Promise<void> | void;

/** Where signals come from; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface LifecycleOptions {
  logger: Logger;
  exit?: (code: number) => void;
  /** How long a signal-triggered stop may take before the process exits with 1. */
  stopTimeoutMs?: number;
  signals?: SignalSource;
}

export interface Lifecycle {
  onStop(name: string, fn: Stopper): void;
  /** Runs stoppers in reverse registration order; every call returns the same promise. */
  stop(): Promise<void>;
  /** SIGTERM/SIGINT stop the process gracefully; returns a function removing the handlers. */
  installSignalHandlers(): () => void;
}

const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const signals = options.signals ?? process;
  const stoppers: Array<{ name: string; fn: Stopper }> = [];
  let stopping: Promise<void> | undefined;

  async function runStoppers(): Promise<void> {
    // Later resources depend on earlier ones (HTTP uses the db), so they go first.
    for (const { name, fn } of [...stoppers].reverse()) {
      try {
        await fn();
        logger.debug({ stopper: name }, 'stopped');
      } catch (err) {
        logger.error({ err, stopper: name }, 'stopper failed; continuing with the rest');
      }
    }
  }

  function stop(): Promise<void> {
    stopping ??= runStoppers();
    return stopping;
  }

  function installSignalHandlers(): () => void {
    let signalled = false;
    let exited = false;
    const finish = (code: number) => {
      if (exited) return;
      exited = true;
      exit(code);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.warn({ signal }, 'second signal; exiting now');
        finish(1);
        return;
      }
      signalled = true;
      logger.info({ signal }, 'stopping');
      const timer = setTimeout(() => {
        logger.error({ stopTimeoutMs }, 'stop timed out; exiting');
        finish(1);
      }, stopTimeoutMs);
      timer.unref();
      void stop().then(() => {
        clearTimeout(timer);
        finish(0);
      });
    };
    const listeners = HANDLED_SIGNALS.map((signal) => ({ signal, listener: () => onSignal(signal) }));
    for (const { signal, listener } of listeners) signals.on(signal, listener);
    return () => {
      for (const { signal, listener } of listeners) signals.off(signal, listener);
    };
  }

  return { onStop: (name, fn) => void stoppers.push({ name, fn }), stop, installSignalHandlers };
}
