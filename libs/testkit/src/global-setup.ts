import { CjoError } from '@cjo/errors';
import { decideInfra } from './discovery';
import { discoverInfra } from './discover-infra';
import { missingVariable } from './infra-flags';
import { createInfraProbes } from './infra-probes';
import { releaseResources } from './release-resources';
import { type StartedResource, forgetStarted, writeStarted } from './started-resources';

/**
 * jest globalSetup: finds Kafka, Postgres and Redis (environment, then Docker,
 * then the local machine), prints one line per service and writes the chosen
 * URLs into process.env, which the jest workers inherit.
 */
export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  const started: StartedResource[] = [];
  const env = process.env;
  delete env[missingVariable];
  const probes = createInfraProbes({
    rootDir: globalConfig.rootDir,
    env,
    record: (resource) => started.push(resource),
  });
  const attempts = await discoverInfra(env, probes);
  await writeStarted(started);
  const decision = decideInfra(attempts, env);
  console.log(`\n${decision.lines.join('\n')}`);
  Object.assign(env, decision.env);
  if (decision.failure !== null) {
    // jest skips globalTeardown when globalSetup throws.
    await releaseResources(started);
    await forgetStarted();
    throw new CjoError('infra_missing', decision.failure);
  }
}
