import type { ProfilesRuntime } from '../batch/runtime';
import { pruneEvents } from '../store/events-store';

/**
 * Deletes stored events older than the retention, `limit` at a time. Counters and all-time
 * aggregates keep what those events added; windows never reach past the retention.
 */
export async function pruneExpiredEvents(runtime: ProfilesRuntime, retentionMs: number, limit: number): Promise<boolean> {
  const deleted = await pruneEvents(runtime.db, runtime.now() - retentionMs, limit);
  if (deleted > 0) runtime.logger.info({ deleted }, 'pruned events past the retention');
  return deleted === limit;
}
