import { infraUrls, removeNamespace as removeFromInfra } from '@cjo/testkit';

/** Removes everything a namespaced platform created (topics, the services' Postgres schemas, Redis keys); throws what it could not. */
export async function removeNamespace(
  namespace: string,
  services: readonly string[],
  options: { kafka?: boolean } = {},
): Promise<void> {
  const failures = await removeFromInfra(infraUrls(), namespace, {
    pgSchemas: services.map((service) => `${namespace}_${service}`),
    ...(options.kafka === undefined ? {} : { kafka: options.kafka }),
  });
  if (failures.length > 0) throw new Error(`cleanup of ${namespace} failed: ${failures.join('; ')}`);
}
