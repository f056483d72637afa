import { type Attempt, type ProbeOutcome, sourcesToTry } from './discovery';
import { type InfraService, infraServices, urlVariables } from './infra-flags';

/** An address to try, or why there is none. */
export type Candidate =
  | {
      ok: true;
      via: string;
      url: string;
      /** What is known before asking, e.g. the version a script printed. */
      detail?: string;
    }
  | { ok: false; via: string; reason: string };

/** The side effects discovery needs; the real ones live in infra-probes.ts, tests pass fakes. */
export interface InfraProbes {
  /** Whether something answers at `url` as `service`; the detail names what (e.g. its version). */
  check(service: InfraService, url: string): Promise<ProbeOutcome>;
  dockerEngine(): Promise<ProbeOutcome>;
  startContainer(service: InfraService): Promise<Candidate>;
  /** The local address for a service; for Kafka this starts the local broker when none answers. */
  local(service: InfraService): Promise<Candidate>;
}

async function tryCandidate(
  service: InfraService,
  source: Attempt['source'],
  candidate: Candidate,
  probes: InfraProbes,
): Promise<Attempt> {
  if (!candidate.ok) {
    return { service, source, via: candidate.via, url: null, outcome: { ok: false, reason: candidate.reason } };
  }
  const checked = await probes.check(service, candidate.url);
  const outcome = checked.ok && candidate.detail ? { ok: true as const, detail: candidate.detail } : checked;
  return { service, source, via: candidate.via, url: candidate.url, outcome };
}

/**
 * Tries, for each service, the environment, then a Docker engine, then the
 * local machine, stopping at the first address that answers. Services are
 * discovered side by side; the Docker engine is asked once, and only when some
 * service is not given by the environment.
 */
export async function discoverInfra(env: NodeJS.ProcessEnv, probes: InfraProbes): Promise<Attempt[]> {
  const needsDocker = infraServices.some((service) => sourcesToTry(service, env).includes('docker'));
  const docker = needsDocker ? await probes.dockerEngine() : null;

  const discoverOne = async (service: InfraService): Promise<Attempt[]> => {
    const attempts: Attempt[] = [];
    for (const source of sourcesToTry(service, env)) {
      let attempt: Attempt;
      if (source === 'environment') {
        const variable = urlVariables[service];
        attempt = await tryCandidate(service, source, { ok: true, via: variable, url: env[variable] ?? '' }, probes);
      } else if (source === 'docker') {
        attempt =
          docker?.ok === true
            ? await tryCandidate(service, source, await probes.startContainer(service), probes)
            : {
                service,
                source,
                via: 'docker',
                url: null,
                outcome: { ok: false, reason: docker?.ok === false ? docker.reason : 'not asked' },
              };
      } else {
        attempt = await tryCandidate(service, source, await probes.local(service), probes);
      }
      attempts.push(attempt);
      if (attempt.outcome.ok) break;
    }
    return attempts;
  };

  const perService = await Promise.all(infraServices.map(discoverOne));
  return perService.flat();
}
