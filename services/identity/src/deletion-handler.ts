import { attempt, toHandlerResult, type HandlerResult } from '@cjo/bus';
import type { Db } from '@cjo/db';
import type { ProfileDeleted } from '@cjo/contract';
import type { Logger } from '@cjo/log';
import { keyOf } from './identifiers';
import { forgetProfile } from './graph/forget-profile';
import type { IdentityCache } from './graph/identity-cache';

/**
 * A deleted profile (cjo.profiles.deletions.v1): identity forgets its part of the graph and drops
 * the cache entries. The profiles service keeps the suppression list, so nothing is remembered
 * here. The identifiers the record lists are dropped from the cache too: a redelivered deletion
 * finds nothing left in Postgres, but its first run may have died before the cache was told.
 */
export function createDeletionHandler(deps: { db: Db; cache: IdentityCache; logger: Logger }): (deleted: ProfileDeleted) => Promise<HandlerResult> {
  return async (deleted) =>
    toHandlerResult(
      await attempt(async () => {
        const forgotten = await forgetProfile(deps.db, deleted.profileId);
        const stale = new Map([...deleted.identifiers, ...forgotten].map((identifier) => [keyOf(identifier), identifier]));
        await deps.cache.invalidate([...stale.values()]);
        deps.logger.info({ profileId: deleted.profileId, deletionId: deleted.deletionId, identifiers: forgotten.length }, 'profile forgotten');
      }),
    );
}
