import { CjoError } from '@cjo/errors';

/** One environment variable that could not be turned into configuration. */
export interface ConfigProblem {
  variable: string;
  expected: string;
  /** What was found, already safe to print (secrets are never echoed). */
  got: string;
}

/** Thrown by loadConfig; the message names every bad variable so one restart fixes them all. */
export class ConfigError extends CjoError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.variable}: expected ${p.expected}, got ${p.got}`);
    super('config_invalid', `Invalid configuration (${problems.length} variable(s)):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
