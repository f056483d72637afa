import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Db, Queryable } from '@cjo/db';
import { httpError } from '@cjo/http';
import { inTransaction } from '../batch/transaction';
import type { CatalogSource } from '../catalog/catalog-source';
import { loadRuleCatalog } from '../catalog/rule-catalog-snapshot';
import { checkComputedTrait, type ComputedTraitInput } from '../rules/check-computed-trait';
import { checkRule } from '../rules/check-rule';
import type { RuleCatalog } from '../rules/rule-catalog';
import {
  allComputedTraits,
  bumpGeneration,
  computedTraitNameTaken,
  deleteComputedTrait,
  findComputedTrait,
  findSegment,
  insertSegment,
  liveSegments,
  lockDefinitions,
  markSegmentDeleted,
  saveComputedTrait,
  segmentNameTaken,
  updateSegment,
  type ComputedTraitRow,
  type SegmentRow,
} from '../store/definitions-store';
import { createJob, type JobKind } from '../store/jobs-store';
import { countMembers } from '../store/memberships-store';
import { countProfiles } from '../store/profiles-store';
import { computedTraitsIn } from './rule-references';

export interface DefinitionsAdminDeps {
  db: Db;
  catalogs: CatalogSource;
  now: () => number;
  /** Longest window a definition may use (the event history kept). */
  maxWindowMs: number;
  /** Tells this instance's backfill worker that a job is waiting. */
  jobQueued: () => void;
}

export interface SegmentInput {
  name: string;
  description?: string | undefined;
  rule: unknown;
}

export interface ComputedTraitBody extends ComputedTraitInput {
  name: string;
  description?: string | undefined;
}

/** One problem per line, so messages that contain semicolons stay apart. */
const invalid = (code: string, problems: readonly string[]) => httpError(400, code, problems.join('\n'));

/**
 * Creating, changing and deleting segments and computed traits. Each change is one transaction
 * that serialises with the others (lockDefinitions), validates against the data seen so far,
 * bumps the catalog generation (every instance reloads at its next batch) and, for segments,
 * queues the background job that (re)evaluates every profile.
 */
export function createDefinitionsAdmin(deps: DefinitionsAdminDeps) {
  const ruleCatalog = async (tx: Queryable, allowUnknown: boolean): Promise<RuleCatalog> =>
    loadRuleCatalog(tx, await deps.catalogs.current(tx), { allowUnknown, maxWindowMs: deps.maxWindowMs });

  const queueJob = async (tx: Queryable, segmentId: string, version: number, kind: JobKind, now: number): Promise<void> => {
    const total = kind === 'deleted' ? await countMembers(tx, segmentId) : await countProfiles(tx);
    await createJob(tx, { id: randomUUID(), segmentId, segmentVersion: version, kind, total, at: now });
  };

  /** Definitions changed: every instance reloads, and waiting jobs start here without waiting for the next poll. */
  const committed = <T>(value: T): T => {
    deps.catalogs.changed();
    deps.jobQueued();
    return value;
  };

  return {
    async createSegment(input: SegmentInput, allowUnknown: boolean): Promise<SegmentRow> {
      return committed(
        await inTransaction(deps.db, async (tx) => {
          await lockDefinitions(tx);
          const checked = checkRule(input.rule, await ruleCatalog(tx, allowUnknown));
          if (!checked.ok) throw invalid('invalid_rule', checked.problems);
          if (await segmentNameTaken(tx, input.name, null)) throw httpError(409, 'conflict', `a segment named "${input.name}" exists`);
          const now = deps.now();
          const segment: SegmentRow = {
            id: randomUUID(),
            name: input.name,
            description: input.description ?? null,
            rule: input.rule,
            version: 1,
            createdAt: now,
            updatedAt: now,
          };
          await insertSegment(tx, segment);
          await bumpGeneration(tx);
          await queueJob(tx, segment.id, segment.version, 'backfill', now);
          return segment;
        }),
      );
    },

    /** A changed rule is a new version, re-evaluated over every profile; a new name or description is not. */
    async updateSegment(id: string, input: SegmentInput, allowUnknown: boolean): Promise<SegmentRow> {
      return committed(
        await inTransaction(deps.db, async (tx) => {
          await lockDefinitions(tx);
          const current = await findSegment(tx, id, true);
          if (current === null) throw httpError(404, 'not_found', `segment ${id} does not exist`);
          const checked = checkRule(input.rule, await ruleCatalog(tx, allowUnknown));
          if (!checked.ok) throw invalid('invalid_rule', checked.problems);
          if (await segmentNameTaken(tx, input.name, id)) throw httpError(409, 'conflict', `a segment named "${input.name}" exists`);
          const now = deps.now();
          const ruleChanged = !isDeepStrictEqual(current.rule, input.rule);
          const segment: SegmentRow = {
            ...current,
            name: input.name,
            description: input.description ?? null,
            rule: input.rule,
            version: ruleChanged ? current.version + 1 : current.version,
            updatedAt: now,
          };
          await updateSegment(tx, segment);
          await bumpGeneration(tx);
          if (ruleChanged) await queueJob(tx, id, segment.version, 'changed', now);
          return segment;
        }),
      );
    },

    /** Members leave it in the background (cause segment_changed); it is gone from the API at once. */
    async deleteSegment(id: string): Promise<{ segment: SegmentRow; version: number }> {
      return committed(
        await inTransaction(deps.db, async (tx) => {
          await lockDefinitions(tx);
          const current = await findSegment(tx, id, true);
          if (current === null) throw httpError(404, 'not_found', `segment ${id} does not exist`);
          const now = deps.now();
          const version = current.version + 1;
          await markSegmentDeleted(tx, id, version, now);
          await bumpGeneration(tx);
          await queueJob(tx, id, version, 'deleted', now);
          return { segment: current, version };
        }),
      );
    },

    async saveComputedTrait(id: string | null, body: ComputedTraitBody, allowUnknown: boolean): Promise<ComputedTraitRow> {
      return committed(
        await inTransaction(deps.db, async (tx) => {
          await lockDefinitions(tx);
          const current = id === null ? null : await findComputedTrait(tx, id);
          if (id !== null && current === null) throw httpError(404, 'not_found', `computed trait ${id} does not exist`);
          const definition = definitionOf(body);
          const checked = checkComputedTrait(definition, await ruleCatalog(tx, allowUnknown));
          if (!checked.ok) throw invalid('invalid_computed_trait', checked.problems);
          if (await computedTraitNameTaken(tx, body.name, id)) {
            throw httpError(409, 'conflict', `a computed trait named "${body.name}" exists`);
          }
          if (current !== null && current.name !== body.name) await refuseIfUsed(tx, current.name, 'renamed');
          const now = deps.now();
          const changed = current !== null && current.aggregateId !== checked.aggregateId;
          const trait: ComputedTraitRow = {
            id: current?.id ?? randomUUID(),
            name: body.name,
            description: body.description ?? null,
            definition: { ...definition },
            aggregateId: checked.aggregateId,
            version: current === null ? 1 : changed ? current.version + 1 : current.version,
            createdAt: current?.createdAt ?? now,
            updatedAt: now,
          };
          await saveComputedTrait(tx, trait);
          await bumpGeneration(tx);
          // Segments on this trait now mean something else: each gets a new version, evaluated over every profile.
          if (changed) {
            for (const segment of await liveSegments(tx)) {
              if (!computedTraitsIn(segment.rule).has(body.name)) continue;
              const next = { ...segment, version: segment.version + 1, updatedAt: now };
              await updateSegment(tx, next);
              await queueJob(tx, segment.id, next.version, 'changed', now);
            }
          }
          return trait;
        }),
      );
    },

    async deleteComputedTrait(id: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        await lockDefinitions(tx);
        const current = await findComputedTrait(tx, id);
        if (current === null) throw httpError(404, 'not_found', `computed trait ${id} does not exist`);
        await refuseIfUsed(tx, current.name, 'deleted');
        await deleteComputedTrait(tx, id);
        await bumpGeneration(tx);
      });
      deps.catalogs.changed();
    },

    listComputedTraits: () => allComputedTraits(deps.db),
  };

  async function refuseIfUsed(tx: Queryable, name: string, what: string): Promise<void> {
    const users = (await liveSegments(tx)).filter((segment) => computedTraitsIn(segment.rule).has(name));
    if (users.length > 0) {
      throw httpError(
        409,
        'computed_trait_in_use',
        `computed trait "${name}" cannot be ${what}: segments ${users.map((s) => `"${s.name}" (${s.id})`).join(', ')} use it`,
      );
    }
  }
}

export type DefinitionsAdmin = ReturnType<typeof createDefinitionsAdmin>;

/** The definition as stored: only the fields that define the aggregate, without undefined ones. */
function definitionOf(body: ComputedTraitBody): ComputedTraitInput {
  return {
    function: body.function,
    event: body.event,
    ...(body.property === undefined ? {} : { property: body.property }),
    ...(body.where === undefined ? {} : { where: body.where }),
    ...(body.window === undefined ? {} : { window: body.window }),
  };
}
