import { loadConfig } from '@cjo/config';
import { identityConfigSchema, type IdentityConfig } from '../../src';
import { buildRules, type IdentityRules } from '../../src/rules/identity-rules';
import { rulesOptionsOf } from '../../src/rules/rules-config';

export const ADMIN_TOKEN = 'identity-admin-token';

/** The service's configuration as its environment would give it, with test-friendly timings. */
export function testConfig(env: Record<string, string> = {}): IdentityConfig {
  return loadConfig(identityConfigSchema, {
    CJO_ADMIN_TOKEN: ADMIN_TOKEN,
    IDENTITY_OUTBOX_INTERVAL_MS: '200',
    IDENTITY_OUTBOX_GRACE_MS: '500',
    IDENTITY_RULES_REFRESH_MS: '200',
    ...env,
  });
}

/** The rules that configuration gives, without stored types. */
export function testRules(env: Record<string, string> = {}): IdentityRules {
  return buildRules({ ...rulesOptionsOf(testConfig(env)), apiTypes: [] });
}
