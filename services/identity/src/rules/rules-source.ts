import type { Queryable } from '@cjo/db';
import type { Logger } from '@cjo/log';
import { buildRules, type IdentityRules, type RulesOptions } from './identity-rules';
import { listStoredTypes } from './type-store';

/** The current rules: configuration plus the types stored through the API, re-read periodically. */
export interface RulesSource {
  current(): IdentityRules;
  /** Reads the stored types now (after an API change, and before the consumer starts). */
  refresh(): Promise<void>;
  /** Starts the periodic refresh; stop() ends it. */
  start(): void;
  stop(): void;
}

export function createRulesSource(deps: {
  db: Queryable;
  options: Omit<RulesOptions, 'apiTypes'>;
  refreshMs: number;
  logger: Logger;
}): RulesSource {
  // Valid from the start: configuration alone, until the first read of the stored types.
  let rules = buildRules({ ...deps.options, apiTypes: [] });
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    rules = buildRules({ ...deps.options, apiTypes: await listStoredTypes(deps.db) });
  };
  return {
    current: () => rules,
    refresh,
    start() {
      timer ??= setInterval(() => {
        refresh().catch((err: unknown) => deps.logger.warn({ err }, 'could not re-read the identifier types; keeping the last ones'));
      }, deps.refreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
