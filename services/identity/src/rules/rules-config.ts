import type { CountryCode } from 'libphonenumber-js';
import type { IdentityConfig } from '../config';
import type { CustomTypeInput, Normalisation, RulesOptions } from './identity-rules';

export type RulesConfig = Pick<
  IdentityConfig,
  'IDENTITY_BLOCKED_VALUES' | 'IDENTITY_DEFAULT_LIMIT' | 'IDENTITY_TYPE_LIMITS' | 'IDENTITY_TYPES' | 'IDENTITY_PHONE_COUNTRY'
>;

/** The rules configuration defines (the config schema has already checked every item's syntax). */
export function rulesOptionsOf(config: RulesConfig): Omit<RulesOptions, 'apiTypes'> {
  const limits: Record<string, number> = {};
  for (const item of config.IDENTITY_TYPE_LIMITS) {
    const [type = '', limit = ''] = item.split('=');
    limits[type] = Number(limit);
  }
  return {
    blockedValues: config.IDENTITY_BLOCKED_VALUES,
    defaultLimit: config.IDENTITY_DEFAULT_LIMIT,
    limits,
    configTypes: config.IDENTITY_TYPES.map(parseTypeItem),
    phoneCountry: config.IDENTITY_PHONE_COUNTRY === '' ? undefined : (config.IDENTITY_PHONE_COUNTRY as CountryCode),
  };
}

function parseTypeItem(item: string): CustomTypeInput {
  const [type = '', rest = ''] = item.split(/=(.*)/s);
  const [paths = '', normalisation = 'none'] = rest.split('@');
  return { type, paths: paths.split('|'), normalisation: normalisation as Normalisation, maxPerProfile: null };
}
