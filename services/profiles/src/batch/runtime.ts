import type { Bus } from '@cjo/bus';
import type { ProfileDeleted } from '@cjo/contract';
import type { Db, Queryable } from '@cjo/db';
import type { Logger } from '@cjo/log';
import type { CatalogSource } from '../catalog/catalog-source';
import type { ProfilesMetrics } from '../metrics';
import { publishWork, type OutputCodecs } from './outputs';
import { saveWork, type ProfileWork } from './profile-work';
import { inTransaction } from './transaction';

/** What every path that changes profiles needs; built once by the service. */
export interface ProfilesRuntime {
  db: Db;
  bus: Bus;
  catalogs: CatalogSource;
  codecs: OutputCodecs;
  metrics: ProfilesMetrics;
  now: () => number;
  logger: Logger;
}

export interface WorkResult<T> {
  /** null: nothing to write or publish. */
  work: ProfileWork | null;
  deletions?: ProfileDeleted[];
  value: T;
}

/**
 * One transaction around `build`, which locks and changes profiles in a ProfileWork; then the work
 * is written (every written profile gets a new version, which is what cached views are keyed by)
 * and its records published before the commit.
 */
export async function runWork<T>(runtime: ProfilesRuntime, build: (tx: Queryable) => Promise<WorkResult<T>>): Promise<T> {
  const result = await inTransaction(runtime.db, async (tx) => {
    const built = await build(tx);
    if (built.work !== null) {
      await saveWork(tx, built.work);
      await publishWork(runtime.bus, runtime.codecs, built.work, built.deletions);
    }
    return built;
  });
  const { work } = result;
  if (work !== null) {
    runtime.metrics.segmentEvaluations(work.evaluations);
    const byCause = new Map<string, number>();
    for (const change of work.membershipChanges) byCause.set(change.cause, (byCause.get(change.cause) ?? 0) + 1);
    for (const [cause, count] of byCause) runtime.metrics.membershipChanges(cause, count);
  }
  return result.value;
}
