import type { Queryable } from '@cjo/db';
import type { IdentityMerged, IdentitySplit } from '@cjo/contract';
import type { Identifier } from '../identifiers';

/** Columns of a merges row as an IdentityMerged (timestamps in ms). */
export const MERGE_SELECT = `SELECT merge_id, survivor_profile_id, merged_profile_id, identifiers, linking_identifiers, message_id,
       reason, (extract(epoch FROM merged_at) * 1000)::bigint AS merged_at, undone_by_split_id FROM merges`;

export const SPLIT_SELECT = `SELECT split_id, from_profile_id, new_profile_id, identifiers, merge_id, reason,
       (extract(epoch FROM split_at) * 1000)::bigint AS split_at FROM splits`;

export interface MergeRow {
  merge_id: string;
  survivor_profile_id: string;
  merged_profile_id: string;
  identifiers: Identifier[];
  linking_identifiers: Identifier[];
  message_id: string | null;
  reason: string;
  merged_at: number;
  undone_by_split_id: string | null;
}

export interface SplitRow {
  split_id: string;
  from_profile_id: string;
  new_profile_id: string;
  identifiers: Identifier[];
  merge_id: string | null;
  reason: string;
  split_at: number;
}

export function toMerged(row: MergeRow): IdentityMerged {
  return {
    mergeId: row.merge_id,
    survivorProfileId: row.survivor_profile_id,
    mergedProfileId: row.merged_profile_id,
    identifiers: row.identifiers,
    linkingIdentifiers: row.linking_identifiers,
    messageId: row.message_id,
    reason: row.reason,
    mergedAt: Number(row.merged_at),
  };
}

export function toSplit(row: SplitRow): IdentitySplit {
  return {
    splitId: row.split_id,
    fromProfileId: row.from_profile_id,
    newProfileId: row.new_profile_id,
    identifiers: row.identifiers,
    mergeId: row.merge_id,
    reason: row.reason,
    splitAt: Number(row.split_at),
  };
}

/**
 * Merges an earlier attempt at these events committed but did not get onto the topic (the process
 * died, or the publish failed): the retry publishes them before its resolved events, in their order.
 */
export async function findUnpublishedMerges(db: Queryable, messageIds: readonly string[]): Promise<IdentityMerged[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await db.query<MergeRow>(
    `${MERGE_SELECT} WHERE published_at IS NULL AND message_id = ANY($1::text[]) ORDER BY merged_at, merge_id`,
    [messageIds],
  );
  return rows.map(toMerged);
}

export async function markMergesPublished(db: Queryable, mergeIds: readonly string[]): Promise<void> {
  if (mergeIds.length === 0) return;
  await db.query('UPDATE merges SET published_at = now() WHERE merge_id = ANY($1::uuid[]) AND published_at IS NULL', [mergeIds]);
}

export async function markSplitPublished(db: Queryable, splitId: string): Promise<void> {
  await db.query('UPDATE splits SET published_at = now() WHERE split_id = $1 AND published_at IS NULL', [splitId]);
}
