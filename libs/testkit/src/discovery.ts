import { type InfraService, infraServices, isInfraRequired, missingVariable, urlVariables } from './infra-flags';

/** Where a service came from, in the order they are tried. */
export type InfraSource = 'environment' | 'docker' | 'local';

export type ProbeOutcome = { ok: true; detail: string } | { ok: false; reason: string };

/** One thing globalSetup tried for one service, and what came of it. */
export interface Attempt {
  service: InfraService;
  source: InfraSource;
  /** How it was tried, for the summary: `KAFKA_BROKERS`, `docker postgres:15`, `local script`. */
  via: string;
  url: string | null;
  outcome: ProbeOutcome;
}

export interface InfraDecision {
  /** One plain line per service. */
  lines: string[];
  /** What to write into process.env so jest workers inherit it. */
  env: Record<string, string>;
  missing: InfraService[];
  /** Set when something is missing and the run must fail rather than skip. */
  failure: string | null;
}

/**
 * An address given in the environment is the only one tried for that service:
 * whoever set it wants that one, and quietly testing against another would
 * hide their mistake.
 */
export function sourcesToTry(service: InfraService, env: NodeJS.ProcessEnv): InfraSource[] {
  return env[urlVariables[service]] ? ['environment'] : ['docker', 'local'];
}

/** Hides a password in a URL before it is printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function triedText(attempt: Attempt): string {
  const where =
    attempt.url === null
      ? attempt.via
      : attempt.source === 'environment'
        ? `${attempt.via}=${redactUrl(attempt.url)}`
        : `${attempt.via} ${redactUrl(attempt.url)}`;
  return attempt.outcome.ok ? where : `${where}: ${attempt.outcome.reason}`;
}

function sourceLabel(attempt: Attempt): string {
  return attempt.source === 'environment' ? `from ${attempt.via}` : attempt.via;
}

/** Picks, per service, the first attempt that answered and turns the result into summary lines and env. */
export function decideInfra(attempts: readonly Attempt[], env: NodeJS.ProcessEnv): InfraDecision {
  const required = isInfraRequired(env);
  const lines: string[] = [];
  const chosenEnv: Record<string, string> = {};
  const missing: InfraService[] = [];
  for (const service of infraServices) {
    const tried = attempts.filter((attempt) => attempt.service === service);
    const chosen = tried.find((attempt) => attempt.outcome.ok && attempt.url !== null);
    if (chosen?.url && chosen.outcome.ok) {
      chosenEnv[urlVariables[service]] = chosen.url;
      lines.push(`[testkit] ${service}: ${redactUrl(chosen.url)} (${sourceLabel(chosen)}, ${chosen.outcome.detail})`);
      continue;
    }
    missing.push(service);
    const summary = tried.length === 0 ? 'nothing was tried' : `tried ${tried.map(triedText).join('; ')}`;
    const consequence = required ? 'the run fails' : 'suites that need it are SKIPPED';
    lines.push(`[testkit] ${service}: MISSING (${summary}) - ${consequence}`);
  }
  if (missing.length > 0 && !required) chosenEnv[missingVariable] = missing.join(',');
  const failure =
    missing.length > 0 && required
      ? `test infrastructure missing: ${missing.join(', ')} (CI or CJO_REQUIRE_INFRA is set, so this is fatal; ` +
        'see the [testkit] lines above for what was tried)'
      : null;
  return { lines, env: chosenEnv, missing, failure };
}
