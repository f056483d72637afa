/** A growable list of latencies in milliseconds with exact percentiles (no histogram bucketing). */
export class Latencies {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size] = ms;
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank percentile, `p` in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.size === 0) return Number.NaN;
    const sorted = this.values.slice(0, this.size).sort();
    const rank = Math.min(this.size, Math.max(1, Math.ceil((p / 100) * this.size)));
    return sorted[rank - 1] ?? Number.NaN;
  }

  summary(): LatencySummary {
    if (this.size === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
    const sorted = this.values.slice(0, this.size).sort();
    const at = (p: number): number => sorted[Math.min(this.size, Math.max(1, Math.ceil((p / 100) * this.size))) - 1] ?? Number.NaN;
    return { p50: at(50), p99: at(99), max: sorted[this.size - 1] ?? Number.NaN };
  }
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

/** Counts per HTTP status code. */
export class StatusCounts {
  readonly byStatus = new Map<number, number>();

  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  count(predicate: (status: number) => boolean): number {
    let total = 0;
    for (const [status, n] of this.byStatus) if (predicate(status)) total += n;
    return total;
  }

  /** e.g. "429×12, 503×3" */
  describeNon2xx(): string {
    return [...this.byStatus]
      .filter(([status]) => status < 200 || status > 299)
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(', ');
  }
}
