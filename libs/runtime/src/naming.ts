/** How a namespace (see CJO_NAMESPACE) turns into the names a service uses on shared infrastructure. */
export interface ServiceNames {
  /** Prefix of every topic name. */
  topicPrefix: string;
  consumerGroup: string;
  pgSchema: string;
  kvPrefix: string;
}

export function serviceNames(namespace: string, service: string): ServiceNames {
  if (namespace === '') {
    return { topicPrefix: '', consumerGroup: service, pgSchema: service, kvPrefix: `${service}:` };
  }
  return {
    topicPrefix: `${namespace}.`,
    consumerGroup: `${namespace}.${service}`,
    pgSchema: `${namespace}_${service}`,
    kvPrefix: `${namespace}:${service}:`,
  };
}
