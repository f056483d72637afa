import { publishRecords, type Bus, type TopicCodec } from '@cjo/bus';
import type { ProfileChanged, ProfileDeleted, SegmentMembershipChanged } from '@cjo/contract';
import type { ProfileWork } from './profile-work';

export interface OutputCodecs {
  profileChanges: TopicCodec<ProfileChanged>;
  memberships: TopicCodec<SegmentMembershipChanged>;
  deletions: TopicCodec<ProfileDeleted>;
}

/**
 * Publishes what a work produced, one publish per topic, concurrently (the Kafka bus shares one
 * produce request between them). Called inside the transaction, before it commits: if the publish
 * fails nothing is stored and the retry produces the records again, so none is lost; after a
 * failed commit they may be published twice (consumers of these topics are idempotent).
 */
export async function publishWork(
  bus: Bus,
  codecs: OutputCodecs,
  work: ProfileWork,
  deletions: readonly ProfileDeleted[] = [],
): Promise<void> {
  await Promise.all([
    publishRecords(bus, codecs.profileChanges, work.profileChanges.map((value) => ({ key: value.profileId, value }))),
    publishRecords(bus, codecs.memberships, work.membershipChanges.map((value) => ({ key: value.profileId, value }))),
    publishRecords(bus, codecs.deletions, deletions.map((value) => ({ key: value.profileId, value }))),
  ]);
}
