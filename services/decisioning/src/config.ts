import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are environment variable names (read by @cjo/config loadConfig). */
export const decisioningConfigSchema = Type.Object({
  ...standaloneConfigFields(8085),
  CJO_ADMIN_TOKEN: adminTokenField,
});

export type DecisioningConfig = Static<typeof decisioningConfigSchema>;
