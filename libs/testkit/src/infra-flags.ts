export const infraServices = ['kafka', 'postgres', 'redis'] as const;
export type InfraService = (typeof infraServices)[number];

/** The variable a test run reads each service's address from. */
export const urlVariables: Record<InfraService, 'KAFKA_BROKERS' | 'DATABASE_URL' | 'REDIS_URL'> = {
  kafka: 'KAFKA_BROKERS',
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
};

/** Names the services the globalSetup could not find; read by describeWithInfra in the workers. */
export const missingVariable = 'CJO_INFRA_MISSING';

function isSet(value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true';
}

/** In CI (or when asked), missing infrastructure fails the run instead of skipping tests. */
export function isInfraRequired(env: NodeJS.ProcessEnv): boolean {
  return isSet(env.CI) || isSet(env.CJO_REQUIRE_INFRA);
}

export function missingInfra(env: NodeJS.ProcessEnv): InfraService[] {
  const named = (env[missingVariable] ?? '').split(',').map((name) => name.trim());
  return infraServices.filter((service) => named.includes(service));
}
