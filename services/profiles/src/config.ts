import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are the environment variable names read by loadConfig. */
export const profilesConfigSchema = Type.Object({
  ...standaloneConfigFields(8083),
  CJO_ADMIN_TOKEN: adminTokenField,
});

export type ProfilesConfig = Static<typeof profilesConfigSchema>;
