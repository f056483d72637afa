export { createProfilesService, profilesMigrationsDir, type ProfilesServiceDeps } from './service';
export { profilesConfigSchema, type ProfilesConfig } from './config';
