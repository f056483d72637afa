/** A counter's value in a Prometheus text exposition (summed over its label sets); 0 when absent. */
export function counterValue(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * The upper bound of the histogram bucket that holds quantile `q` (0..1) of a histogram's
 * observations, summed over its label sets; undefined when it has none. As coarse as the buckets.
 */
export function histogramBucketOf(metrics: string, name: string, q: number): number | undefined {
  const cumulative = new Map<number, number>();
  const prefix = `${name}_bucket{`;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    cumulative.set(bound, (cumulative.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return undefined;
  return bounds.find((bound) => (cumulative.get(bound) ?? 0) >= q * total);
}
