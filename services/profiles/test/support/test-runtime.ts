import { createLogger } from '@cjo/log';
import type { ProfilesRuntime } from '../../src/batch/runtime';
import { createCatalogSource } from '../../src/catalog/catalog-source';
import { createProfilesMetrics } from '../../src/metrics';
import type { ProfilesHarness } from './profiles-harness';

/** The runtime the service builds, on a harness's database and bus, for tests that drive a worker themselves. */
export function runtimeOf(harness: ProfilesHarness): ProfilesRuntime {
  const logger = createLogger({ name: 'profiles-worker-test', level: 'silent' });
  return {
    db: harness.db,
    bus: harness.bus,
    catalogs: createCatalogSource(logger),
    codecs: {
      profileChanges: harness.contract.codec('profileChanges'),
      memberships: harness.contract.codec('segmentMemberships'),
      deletions: harness.contract.codec('profileDeletions'),
    },
    metrics: createProfilesMetrics(),
    now: harness.clock.now,
    logger,
  };
}
