import { checkService } from './check-service';
import type { InfraProbes } from './discover-infra';
import { dockerEngine, startContainer } from './docker-containers';
import { type InfraService, urlVariables } from './infra-flags';
import { localDefaults } from './infra-urls';
import { startLocalKafka } from './local-kafka';
import type { StartedResource } from './started-resources';

export interface RealProbeOptions {
  /** The repository root, where deploy/local/kafka/kafka.sh lives. */
  rootDir: string;
  env: NodeJS.ProcessEnv;
  record: (resource: StartedResource) => void;
}

/** The probes globalSetup uses: real connections, real containers, the real local script. */
export function createInfraProbes({ rootDir, env, record }: RealProbeOptions): InfraProbes {
  return {
    check: checkService,
    dockerEngine,
    startContainer: (service) => startContainer(service, record),
    local: async (service: InfraService) => {
      if (service === 'kafka') {
        return startLocalKafka({ rootDir, env, record, check: (url) => checkService('kafka', url) });
      }
      return { ok: true, via: 'local', url: localDefaults[urlVariables[service]] };
    },
  };
}
