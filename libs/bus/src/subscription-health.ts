import type { CjoError } from '@cjo/errors';
import type { SubscriptionHealth } from './types';

export interface HealthFlags {
  stopped: boolean;
  crashed: CjoError | undefined;
  paused: boolean;
}

/** One precedence for both buses: a stop is final, a crash outranks a deliberate pause. */
export function healthOf(flags: HealthFlags): SubscriptionHealth {
  const state = flags.stopped
    ? 'stopped'
    : flags.crashed !== undefined
      ? 'crashed'
      : flags.paused
        ? 'paused'
        : 'running';
  return flags.crashed === undefined ? { state } : { state, error: flags.crashed };
}
