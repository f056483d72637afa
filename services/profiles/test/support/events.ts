import { randomUUID } from 'node:crypto';
import { partitionForKey } from '@cjo/bus';
import { topics, type IdentityChanged, type IdentityMerged, type IdentitySplit, type ResolvedEvent } from '@cjo/contract';
import { sampleResolvedEvent } from '@cjo/service-testkit';

/** A resolved event with fresh ids and the current time unless the test names them (profile ids are uuids here). */
export function resolved(overrides: Partial<ResolvedEvent> = {}): ResolvedEvent {
  const now = Date.now();
  return sampleResolvedEvent({ profileId: randomUUID(), messageId: randomUUID(), timestamp: now, receivedAt: now, ...overrides });
}

export function identify(profileId: string, traits: Record<string, unknown>, overrides: Partial<ResolvedEvent> = {}): ResolvedEvent {
  return resolved({ profileId, type: 'identify', event: null, traitsJson: JSON.stringify(traits), propertiesJson: '{}', ...overrides });
}

export function track(
  profileId: string,
  event: string,
  properties: Record<string, unknown> = {},
  overrides: Partial<ResolvedEvent> = {},
): ResolvedEvent {
  return resolved({ profileId, type: 'track', event, propertiesJson: JSON.stringify(properties), traitsJson: '{}', ...overrides });
}

export function group(profileId: string, groupId: string, traits: Record<string, unknown>, overrides: Partial<ResolvedEvent> = {}): ResolvedEvent {
  return resolved({ profileId, type: 'group', event: null, groupId, traitsJson: JSON.stringify(traits), propertiesJson: '{}', ...overrides });
}

export function merged(merge: Partial<IdentityMerged> & Pick<IdentityMerged, 'survivorProfileId' | 'mergedProfileId'>): IdentityChanged {
  return {
    merged: {
      mergeId: randomUUID(),
      identifiers: [],
      linkingIdentifiers: [],
      messageId: null,
      reason: 'test merge',
      mergedAt: Date.now(),
      ...merge,
    },
    split: null,
  };
}

export function split(change: Partial<IdentitySplit> & Pick<IdentitySplit, 'fromProfileId' | 'newProfileId' | 'identifiers'>): IdentityChanged {
  return {
    merged: null,
    split: { splitId: randomUUID(), mergeId: null, reason: 'test split', splitAt: Date.now(), ...change },
  };
}

/** A fresh profile id whose events share a partition with `profileId`'s, so they are applied after its earlier ones. */
export function idOnSamePartition(profileId: string): string {
  const partitions = topics.resolvedEvents.partitions;
  for (;;) {
    const candidate = randomUUID();
    if (partitionForKey(candidate, partitions) === partitionForKey(profileId, partitions)) return candidate;
  }
}
