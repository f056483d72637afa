import { type InfraService, isInfraRequired, missingInfra } from './infra-flags';

export interface InfraGate {
  run: boolean;
  /** Set when the suite is skipped: says what is missing and how to make it fail instead. */
  warning: string | null;
}

/** Decides whether a suite that needs `needs` runs; a required run never skips, it runs and fails. */
export function infraGate(needs: readonly InfraService[], name: string, env: NodeJS.ProcessEnv): InfraGate {
  const missing = missingInfra(env).filter((service) => needs.includes(service));
  if (missing.length === 0 || isInfraRequired(env)) return { run: true, warning: null };
  return {
    run: false,
    warning:
      `[testkit] SKIPPING "${name}": it needs ${missing.join(', ')}, which this run could not find ` +
      '(see the [testkit] lines at the start of the run; CI=true or CJO_REQUIRE_INFRA=1 makes this a failure)',
  };
}

/** `describe` for suites that need real infrastructure: skipped loudly when it is missing. */
export function describeWithInfra(
  needs: readonly InfraService[],
  name: string,
  fn: () => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const gate = infraGate(needs, name, env);
  if (gate.run) {
    describe(name, fn);
    return;
  }
  console.warn(gate.warning);
  describe.skip(name, fn);
}
