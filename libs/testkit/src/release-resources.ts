import { stopContainer } from './docker-containers';
import { stopLocalKafka } from './local-kafka';
import type { StartedResource } from './started-resources';
import { errorText } from './with-timeout';

/** Stops everything in the list, newest first; reports failures instead of hiding the test results behind them. */
export async function releaseResources(resources: readonly StartedResource[]): Promise<void> {
  for (const resource of [...resources].reverse()) {
    const what =
      resource.kind === 'container' ? `container ${resource.image} (${resource.id.slice(0, 12)})` : 'local Kafka';
    try {
      if (resource.kind === 'container') await stopContainer(resource.id);
      else await stopLocalKafka(resource.rootDir);
      console.log(`[testkit] stopped ${what}, which this run started`);
    } catch (err) {
      console.warn(`[testkit] could not stop ${what}: ${errorText(err)}`);
    }
  }
}
