import type { Db } from '@cjo/db';
import { pgErrorCode } from '@cjo/db';
import type { IdentityMerged } from '@cjo/contract';
import { CjoError } from '@cjo/errors';
import { keyOf, type Identifier } from '../identifiers';
import type { IdentityRules } from '../rules/identity-rules';
import { findUnpublishedMerges } from '../changes/change-rows';
import { applyPlan, findLinks, LinkRaceError, lockProfiles } from './graph-store';
import type { IdentityCache } from './identity-cache';
import { planBatch, planWrites, type BatchPlan, type PlannedEvent } from './plan';

export interface ResolverDeps {
  db: Db;
  cache: IdentityCache;
  rules: () => IdentityRules;
  newId: () => string;
  now: () => number;
  /** Write transactions tried per batch before giving up with a retriable error (default 8). */
  maxAttempts?: number;
}

export interface Resolution {
  /** The live profile of each event, in order. */
  profileIds: string[];
  /** To publish before the resolved events: this batch's merges, after those an earlier attempt left unpublished. */
  merges: IdentityMerged[];
}

/** serialization_failure, deadlock_detected: another writer won; the batch is simply computed again. */
const CONTENTION_SQLSTATES = new Set(['40001', '40P01']);

class NeedsMoreLocks extends Error {
  constructor(readonly profileIds: ReadonlySet<string>) {
    super('the plan touches profiles that are not locked');
  }
}

export type Resolver = (events: readonly PlannedEvent[]) => Promise<Resolution>;

/**
 * Resolves a batch: one KV round trip and at most one Postgres read for the links, the batch
 * applied in memory, and, only when it changes the graph, one write transaction. The transaction
 * locks the profiles the draft touches, reads the graph again under those locks and plans again:
 * what is written is always planned on the current state, so concurrent instances never create two
 * profiles for one identifier (the primary key refuses the second link) and never lose a merge.
 */
export function createResolver(deps: ResolverDeps): Resolver {
  const maxAttempts = deps.maxAttempts ?? 8;

  async function writeInTransaction(
    events: readonly PlannedEvent[],
    identifiers: Identifier[],
    touched: ReadonlySet<string>,
    snapshot: ReadonlyMap<string, string>,
  ): Promise<BatchPlan> {
    let lockSet = new Set(touched);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await deps.db.transaction(async (tx) => {
          const profiles = await lockProfiles(tx, [...lockSet]);
          // A draft that touches no stored profile only creates profiles and links: planning it on the
          // snapshot is safe, as a link another writer made meanwhile makes the insert fail and the retry read again.
          const links = attempt === 1 && lockSet.size === 0 ? snapshot : await findLinks(tx, identifiers);
          const now = deps.now();
          const plan = planBatch(events, { links, profiles }, { rules: deps.rules(), newId: deps.newId, now });
          if (plan.missing.size > 0) throw new NeedsMoreLocks(plan.missing);
          await applyPlan(tx, plan, now);
          return plan;
        });
      } catch (err) {
        const contention = err instanceof LinkRaceError || err instanceof NeedsMoreLocks || CONTENTION_SQLSTATES.has(pgErrorCode(err) ?? '');
        if (!contention) throw err;
        if (attempt >= maxAttempts) {
          throw new CjoError('identity_contention', `the batch's write lost ${attempt} races against other writers`, { retriable: true, cause: err });
        }
        if (err instanceof NeedsMoreLocks) lockSet = new Set([...lockSet, ...err.profileIds]);
      }
    }
  }

  return async (events) => {
    const readStartedAt = deps.now();
    const identifiers = uniqueIdentifiers(events);
    const [cached, pending] = await Promise.all([
      deps.cache.lookup(identifiers),
      findUnpublishedMerges(deps.db, events.map((event) => event.messageId)),
    ]);
    const misses = identifiers.filter((identifier) => !cached.has(keyOf(identifier)));
    const stored = await findLinks(deps.db, misses);
    const snapshot = new Map([...cached, ...stored]);
    const draft = planBatch(events, { links: snapshot, profiles: new Map() }, {
      rules: deps.rules(),
      newId: deps.newId,
      now: readStartedAt,
    });
    // Redone work of an attempt that died after its commit: invalidate again, the cache may have missed it.
    await deps.cache.invalidate(pending.flatMap((merge) => merge.identifiers));
    if (!planWrites(draft)) {
      await deps.cache.fill(linksOf(misses, stored), readStartedAt);
      return { profileIds: draft.profileIds, merges: pending };
    }
    const plan = await writeInTransaction(events, identifiers, draft.touched, snapshot);
    // Tombstones first: the fill below must not bring back an entry of an identifier that moved.
    await deps.cache.invalidate(plan.merges.flatMap((merge) => merge.identifiers));
    await deps.cache.fill(linksOf(misses, plan.links), readStartedAt);
    return { profileIds: plan.profileIds, merges: [...pending, ...plan.merges] };
  };
}

function uniqueIdentifiers(events: readonly PlannedEvent[]): Identifier[] {
  const unique = new Map<string, Identifier>();
  for (const event of events) for (const identifier of event.identifiers) unique.set(keyOf(identifier), identifier);
  return [...unique.values()];
}

function linksOf(identifiers: readonly Identifier[], links: ReadonlyMap<string, string>): Array<readonly [Identifier, string]> {
  return identifiers.flatMap((identifier) => {
    const profileId = links.get(keyOf(identifier));
    return profileId === undefined ? [] : [[identifier, profileId] as const];
  });
}
