import { CjoError } from '@cjo/errors';
import { dlq, fromError, toHandlerResult, type HandlerResult, type StepResult } from '@cjo/bus';
import type { IdentityChanged } from '@cjo/contract';
import type { Queryable } from '@cjo/db';
import { applyMerge } from './apply-merge';
import { applySplit } from './apply-split';
import { runWork, type ProfilesRuntime, type WorkResult } from './runtime';

type Apply = (tx: Queryable) => Promise<WorkResult<StepResult<null>>>;

function applierOf(runtime: ProfilesRuntime, { merged, split }: IdentityChanged): Apply | null {
  if (merged !== null && split === null) return (tx) => applyMerge(runtime, tx, merged);
  if (split !== null && merged === null) return (tx) => applySplit(runtime, tx, split);
  return null;
}

/**
 * cjo.identity.changes.v1: merges and splits, one record per transaction (they are rare). The
 * record is marked applied in the same transaction, so a redelivery is dropped.
 */
export function createIdentityChangeHandler(runtime: ProfilesRuntime): (change: IdentityChanged) => Promise<HandlerResult> {
  return async (change) => {
    const apply = applierOf(runtime, change);
    if (apply === null) {
      return toHandlerResult(dlq(new CjoError('invalid_identity_change', 'an IdentityChanged record must set exactly one of merged, split')));
    }
    try {
      return toHandlerResult(await runWork(runtime, apply));
    } catch (err) {
      return toHandlerResult(fromError(err));
    }
  };
}
