export { loadConfig } from './load-config';
export { ConfigError, type ConfigProblem } from './config-error';
export { redactConfig, REDACTED } from './redact-config';
export { requiredVariables } from './schema-info';
