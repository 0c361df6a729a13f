import type { SamplePoint } from "@/lib/fleet-sample";

export type MetricKey = Exclude<keyof SamplePoint, "at">;
/** The global traffic charts' figures (lib/traffic-view's region and geography points). */
export type TrafficMetricKey = "requestsPerSecond" | "errorRate" | "avgResponseMs" | "p95Ms" | "homeShare";
export type ChartMetricKey = MetricKey | TrafficMetricKey;
/** A moment of one line's history: a region's sample point, or a region's or geography's traffic point. */
export type ChartPoint = { at: string } & Partial<Record<ChartMetricKey, number | null>>;

/** One moment on a chart: `t` in ms since the epoch, one value per region (null: a gap in that region's line). */
export type ChartRow = { t: number } & Record<string, number | null>;

/**
 * Lines up each region's history on one time axis so that a shared tooltip shows every region at a moment.
 * Regions are sampled at slightly different instants, so points are placed on a grid: the history's bucket
 * size, or coarser so that a chart never has more than `maxPoints` rows (a few hundred are all a chart can
 * show, and fewer keep live redraws cheap); points sharing a cell are averaged. Where a region has no point in
 * a cell but has points on both sides close enough together, its last value is held. A longer silence
 * (nothing collected), or a null value (unknown), stays a gap: the chart never draws a line across a time it
 * knows nothing about.
 */
export function toChartRows(
  series: Record<string, ChartPoint[]>,
  metric: ChartMetricKey,
  regionIds: string[],
  grid: { bucketSeconds: number; rangeSeconds?: number; maxPoints?: number },
): ChartRow[] {
  const { bucketSeconds, rangeSeconds = 0, maxPoints = 180 } = grid;
  const stepMs = Math.max(1, bucketSeconds, Math.ceil(rangeSeconds / maxPoints)) * 1000;
  const perRegion = regionIds.map((id) => {
    const cells = new Map<number, { sum: number; n: number }>();
    for (const p of series[id] ?? []) {
      const t = Date.parse(p.at);
      if (Number.isNaN(t)) continue;
      const k = Math.floor(t / stepMs);
      const cell = cells.get(k) ?? { sum: 0, n: 0 };
      const v = p[metric];
      if (v != null) {
        cell.sum += v;
        cell.n++;
      }
      cells.set(k, cell);
    }
    const points = [...cells.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, c]) => ({ k, v: c.n ? c.sum / c.n : null }));
    return {
      id,
      points,
      ...gaps(
        points.map((p) => p.k),
        stepMs,
      ),
    };
  });

  const keySet = new Set(perRegion.flatMap((r) => r.points.map((p) => p.k)));
  // A silence needs a row inside it, or the line would be drawn straight from the point before to the one after.
  for (const r of perRegion) {
    for (let i = 1; i < r.points.length; i++)
      if (r.points[i]!.k - r.points[i - 1]!.k > r.maxGap) keySet.add(r.points[i - 1]!.k + 1);
  }
  const keys = [...keySet].sort((a, b) => a - b);
  const rows: ChartRow[] = keys.map((k) => ({ t: k * stepMs }) as ChartRow);
  for (const r of perRegion) {
    let j = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      while (j < r.points.length && r.points[j]!.k < k) j++;
      const here = r.points[j];
      let value: number | null = null;
      if (here && here.k === k) value = here.v;
      else {
        const prev = r.points[j - 1];
        if (prev && here && here.k - prev.k <= r.maxGap) value = prev.v;
        // Past a region's newest point, hold it only for about one usual interval: the others were sampled a bit later.
        else if (prev && !here && k - prev.k <= r.tailGap) value = prev.v;
      }
      rows[i]![r.id] = value;
    }
  }
  return rows;
}

/**
 * The longest spacing (in grid cells) still drawn as a continuous line: a few usual intervals, and at least
 * 15 s; and how far past its newest point a region's value is held.
 */
function gaps(keys: number[], stepMs: number): { maxGap: number; tailGap: number } {
  const diffs: number[] = [];
  for (let i = 1; i < keys.length; i++) diffs.push(keys[i]! - keys[i - 1]!);
  diffs.sort((a, b) => a - b);
  const median = diffs.length ? diffs[Math.floor(diffs.length / 2)]! : 1;
  return { maxGap: Math.max(5, Math.ceil(15_000 / stepMs), 3 * median), tailGap: Math.max(2, 2 * median) };
}

/** Each region's newest value (null: unknown or no data), for the chart's text summary. */
export function latestValues(
  series: Record<string, ChartPoint[]>,
  metric: ChartMetricKey,
  regionIds: string[],
): Record<string, number | null> {
  return Object.fromEntries(regionIds.map((id) => [id, series[id]?.at(-1)?.[metric] ?? null]));
}
