/** Reads the console's GET /metrics (Prometheus text format) into something the bench can ask questions of. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class Metrics {
  constructor(readonly samples: Sample[]) {}

  static parse(text: string): Metrics {
    const samples: Sample[] = [];
    for (const line of text.split("\n")) {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m) continue;
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
      samples.push({ name: m[1]!, labels, value: Number(m[3]) });
    }
    return new Metrics(samples);
  }

  /** The value of the first sample with this name whose labels include `labels`, or null. */
  get(name: string, labels: Record<string, string> = {}): number | null {
    const s = this.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    return s ? s.value : null;
  }

  /** healthy | degraded | unhealthy, from region_health_status{region,status} = 1, or null when not reported. */
  status(region: string): string | null {
    return (
      this.samples.find((x) => x.name === "region_health_status" && x.labels.region === region && x.value === 1)?.labels
        .status ?? null
    );
  }

  lagSeconds(region: string): number | null {
    return this.get("pg_replication_lag_seconds", { region });
  }

  alertsFiring(): number | null {
    return this.get("switchyard_alerts_firing");
  }

  /** How many regions report each status. */
  statusCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.samples)
      if (s.name === "region_health_status" && s.value === 1)
        counts[s.labels.status!] = (counts[s.labels.status!] ?? 0) + 1;
    return counts;
  }
}
