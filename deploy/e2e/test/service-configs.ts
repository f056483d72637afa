import { join } from 'node:path';
import type { requiredVariables } from '@cjo/config';
import { decisioningConfigSchema } from '@cjo/decisioning';
import { deliveryConfigSchema } from '@cjo/delivery';
import { identityConfigSchema } from '@cjo/identity';
import { ingestConfigSchema } from '@cjo/ingest';
import { journeysConfigSchema } from '@cjo/journeys';
import { profilesConfigSchema } from '@cjo/profiles';

export type ConfigSchema = Parameters<typeof requiredVariables>[0];

export const repoRoot = join(__dirname, '..', '..', '..');

/** The six services with the config schema each one validates at start-up. */
export const appServices: Array<[string, ConfigSchema]> = [
  ['ingest', ingestConfigSchema],
  ['identity', identityConfigSchema],
  ['profiles', profilesConfigSchema],
  ['journeys', journeysConfigSchema],
  ['decisioning', decisioningConfigSchema],
  ['delivery', deliveryConfigSchema],
];

export function defaultPortOf(schema: ConfigSchema): unknown {
  return (schema.properties as Record<string, { default?: unknown }>).PORT?.default;
}
