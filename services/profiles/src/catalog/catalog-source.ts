import type { Queryable } from '@cjo/db';
import type { Logger } from '@cjo/log';
import { allComputedTraits, liveSegments, readGeneration } from '../store/definitions-store';
import { buildCatalog, type Catalog } from './catalog';

/** Where every part of the service gets the current definitions from. */
export interface CatalogSource {
  /**
   * The catalog as of this transaction: one cheap read of the generation, and a reload only when
   * an admin changed something. Consumers call it once per batch, after locking their profiles.
   */
  current(db: Queryable): Promise<Catalog>;
  /** The catalog of a generation the caller read itself (in the same round trip as other reads). */
  at(db: Queryable, generation: number): Promise<Catalog>;
  /** The last catalog loaded, without a database read (HTTP reads that tolerate a second of staleness). */
  latest(db: Queryable): Promise<Catalog>;
  /** Definitions changed here: the next latest() reads them again. */
  changed(): void;
}

export function createCatalogSource(logger: Logger, refreshMs = 1_000, clock: () => number = Date.now): CatalogSource {
  let cached: Catalog | undefined;
  let checkedAt = 0;

  const at = async (db: Queryable, generation: number): Promise<Catalog> => {
    checkedAt = clock();
    if (cached !== undefined && cached.generation === generation) return cached;
    const [segments, traits] = [await liveSegments(db), await allComputedTraits(db)];
    const built = buildCatalog(generation, segments, traits);
    for (const { id, problems } of built.broken) logger.error({ id, problems }, 'stored definition does not compile; ignored');
    // A slower reload of an older generation must not replace a newer one.
    if (cached === undefined || cached.generation <= generation) cached = built;
    return built;
  };

  const current = async (db: Queryable): Promise<Catalog> => at(db, await readGeneration(db));

  return {
    current,
    at,
    async latest(db) {
      if (cached !== undefined && clock() - checkedAt < refreshMs) return cached;
      return current(db);
    },
    changed() {
      checkedAt = 0;
    },
  };
}
