import { publishRecords, type Bus, type TopicCodec } from '@cjo/bus';
import type { Db } from '@cjo/db';
import type { IdentityChanged, IdentityMerged, IdentitySplit } from '@cjo/contract';
import type { Logger } from '@cjo/log';
import {
  MERGE_SELECT,
  SPLIT_SELECT,
  markMergesPublished,
  markSplitPublished,
  toMerged,
  toSplit,
  type MergeRow,
  type SplitRow,
} from './change-rows';

/** Puts merges and splits on cjo.identity.changes.v1 and records that they are there (the outbox). */
export interface ChangePublisher {
  /** Keyed by the survivor, in the order given; resolves once on the topic and marked published. */
  publishMerges(merges: readonly IdentityMerged[]): Promise<void>;
  /** Keyed by the profile split from. */
  publishSplit(split: IdentitySplit): Promise<void>;
  /**
   * Publishes merges and splits recorded more than `graceMs` ago and still unpublished (their
   * publish failed, or the process died after the commit). Several instances may sweep at once:
   * rows are claimed with SKIP LOCKED. Returns how many it published.
   */
  sweep(graceMs: number): Promise<number>;
}

export function createChangePublisher(deps: { bus: Bus; db: Db; codec: TopicCodec<IdentityChanged>; logger: Logger }): ChangePublisher {
  const { bus, db, codec } = deps;
  const mergeRecords = (merges: readonly IdentityMerged[]) =>
    merges.map((merged) => ({ key: merged.survivorProfileId, value: { merged, split: null } }));

  return {
    async publishMerges(merges) {
      if (merges.length === 0) return;
      await publishRecords(bus, codec, mergeRecords(merges));
      await markMergesPublished(db, merges.map((merge) => merge.mergeId));
    },
    async publishSplit(split) {
      await publishRecords(bus, codec, [{ key: split.fromProfileId, value: { merged: null, split } }]);
      await markSplitPublished(db, split.splitId);
    },
    sweep(graceMs) {
      return db.transaction(async (tx) => {
        const merges = await tx.query<MergeRow>(
          `${MERGE_SELECT} WHERE published_at IS NULL AND merged_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY merged_at, merge_id LIMIT 500 FOR UPDATE SKIP LOCKED`,
          [graceMs],
        );
        const splits = await tx.query<SplitRow>(
          `${SPLIT_SELECT} WHERE published_at IS NULL AND split_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY split_at, split_id LIMIT 500 FOR UPDATE SKIP LOCKED`,
          [graceMs],
        );
        const merged = merges.rows.map(toMerged);
        await publishRecords(bus, codec, [
          ...mergeRecords(merged),
          ...splits.rows.map((row) => ({ key: row.from_profile_id, value: { merged: null, split: toSplit(row) } })),
        ]);
        if (merged.length > 0) await markMergesPublished(tx, merged.map((merge) => merge.mergeId));
        for (const row of splits.rows) await markSplitPublished(tx, row.split_id);
        const published = merged.length + splits.rows.length;
        if (published > 0) deps.logger.warn({ merges: merged.length, splits: splits.rows.length }, 'published identity changes left unpublished');
        return published;
      });
    },
  };
}
