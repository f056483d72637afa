import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are environment variable names (read by @cjo/config loadConfig). */
export const journeysConfigSchema = Type.Object({
  ...standaloneConfigFields(8084),
  CJO_ADMIN_TOKEN: adminTokenField,
});

export type JourneysConfig = Static<typeof journeysConfigSchema>;
