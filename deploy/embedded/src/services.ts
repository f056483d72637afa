import { decisioningConfigSchema, decisioningMigrationsDir, createDecisioningService } from '@cjo/decisioning';
import { deliveryConfigSchema, deliveryMigrationsDir, createDeliveryService } from '@cjo/delivery';
import { identityConfigSchema, identityMigrationsDir, createIdentityService } from '@cjo/identity';
import { ingestConfigSchema, ingestMigrationsDir, createIngestService } from '@cjo/ingest';
import { journeysConfigSchema, journeysMigrationsDir, createJourneysService } from '@cjo/journeys';
import { profilesConfigSchema, profilesMigrationsDir, createProfilesService } from '@cjo/profiles';
import { loadConfig } from '@cjo/config';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';

export interface ServiceDefinition {
  name: string;
  migrationsDir: string;
  /** Reads the service's own config from `env` and builds the module. */
  create(env: NodeJS.ProcessEnv, deps: ServiceDeps): ServiceModule;
}

/** The six services in pipeline order; each reads its config exactly as its own main.ts would. */
export const serviceDefinitions: readonly ServiceDefinition[] = [
  {
    name: 'ingest',
    migrationsDir: ingestMigrationsDir,
    create: (env, deps) => createIngestService({ ...deps, config: loadConfig(ingestConfigSchema, env) }),
  },
  {
    name: 'identity',
    migrationsDir: identityMigrationsDir,
    create: (env, deps) => createIdentityService({ ...deps, config: loadConfig(identityConfigSchema, env) }),
  },
  {
    name: 'profiles',
    migrationsDir: profilesMigrationsDir,
    create: (env, deps) => createProfilesService({ ...deps, config: loadConfig(profilesConfigSchema, env) }),
  },
  {
    name: 'journeys',
    migrationsDir: journeysMigrationsDir,
    create: (env, deps) => createJourneysService({ ...deps, config: loadConfig(journeysConfigSchema, env) }),
  },
  {
    name: 'decisioning',
    migrationsDir: decisioningMigrationsDir,
    create: (env, deps) => createDecisioningService({ ...deps, config: loadConfig(decisioningConfigSchema, env) }),
  },
  {
    name: 'delivery',
    migrationsDir: deliveryMigrationsDir,
    create: (env, deps) => createDeliveryService({ ...deps, config: loadConfig(deliveryConfigSchema, env) }),
  },
];
