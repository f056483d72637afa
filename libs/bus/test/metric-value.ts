import type { Registry } from 'prom-client';

/**
 * The value of one series, or undefined when it does not exist. `series` names a histogram's
 * part (e.g. `cjo_bus_handler_duration_seconds_count`); it defaults to the metric's own name.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
  series: string = name,
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find(
    (value) =>
      ('metricName' in value ? value.metricName === series : series === name) &&
      Object.entries(labels).every(([label, expected]) => String(value.labels[label]) === expected),
  );
  return match?.value;
}
