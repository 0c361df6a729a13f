import {
  formatBytes,
  formatBytesPerSecond,
  formatPercent,
  formatRate,
  formatRatio,
  formatSeconds,
  formatUsdPerHour,
} from "@/lib/units";
import type { ChartMetricKey } from "./chart-rows";

export interface MetricSpec {
  title: string;
  /** the value with its unit, for tooltips and summaries */
  format: (n: number) => string;
  /** a short axis tick */
  tick: (n: number) => string;
  /** a fixed value axis, e.g. 0–100 for percentages */
  domain?: [number, number];
  /** without a fixed axis: the least top of the value axis, so a flat zero line does not get an axis of its own making */
  minTop?: number;
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const BYTE_TICKS = ["B", "kB", "MB", "GB", "TB", "PB"];

/** A short axis label for bytes: "0", "350 MB", "1.2 GB" (no-break spaces: axis labels must not wrap). */
function bytesTick(n: number): string {
  if (n === 0) return "0";
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1000 && i < BYTE_TICKS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${n < 0 ? "-" : ""}${Number(v.toFixed(v >= 10 ? 0 : 1))}\u00a0${BYTE_TICKS[i]}`;
}

/** A short axis label for a duration in seconds: "45s", "15 min", "2.5 h". */
function secondsTick(n: number): string {
  if (Math.abs(n) < 120) return `${Number(n.toFixed(1))}s`;
  if (Math.abs(n) < 7200) return `${Number((n / 60).toFixed(1))}\u00a0min`;
  return `${Number((n / 3600).toFixed(1))}\u00a0h`;
}

/** Every chartable figure of a sample point, with how to show it. Client components pick them by key. */
const milliseconds: Pick<MetricSpec, "format" | "tick"> = {
  format: (n) => `${Math.round(n)} ms`,
  tick: (n) => `${compact.format(n)}ms`,
};

export const chartMetrics: Record<ChartMetricKey, MetricSpec> = {
  lagSeconds: { title: "Replication lag (seconds)", format: formatSeconds, tick: secondsTick },
  lagBytes: { title: "Replication lag (bytes)", format: formatBytes, tick: bytesTick },
  mirrorHitRate: { title: "Mirror hit rate", format: (n) => formatPercent(n), tick: (n) => `${n}%`, domain: [0, 100] },
  cdnHitRate: { title: "CDN cache hit rate", format: (n) => formatPercent(n), tick: (n) => `${n}%`, domain: [0, 100] },
  bandwidthBytesPerSecond: { title: "CDN bandwidth (per second)", format: formatBytesPerSecond, tick: bytesTick },
  directBytesPerSecond: {
    title: "Direct-serving bandwidth (per second)",
    format: formatBytesPerSecond,
    tick: bytesTick,
  },
  costRateUsdPerHour: {
    title: "Cost rate (USD per hour)",
    format: formatUsdPerHour,
    tick: (n) => `$${compact.format(n)}`,
  },
  apiLatencyMs: { title: "Region API latency", ...milliseconds },
  requestsPerSecond: {
    title: "Requests per second",
    format: (n) => `${formatRate(n)} req/s`,
    tick: (n) => compact.format(n),
  },
  errorRate: {
    title: "Error rate",
    format: (n) => formatRatio(n),
    tick: (n) => `${Number((n * 100).toFixed(1))}%`,
    minTop: 0.05,
  },
  avgResponseMs: { title: "Average response time", ...milliseconds },
  p95Ms: { title: "p95 latency", ...milliseconds },
  homeShare: {
    title: "Served by its home region",
    format: (n) => formatRatio(n, 0),
    tick: (n) => `${Math.round(n * 100)}%`,
    domain: [0, 1],
  },
};

/** Line colours, by a region's place in the fleet: distinct in light and dark mode, and kept across charts. */
export const regionColors = ["#0284c7", "#d97706", "#7c3aed", "#059669", "#db2777", "#64748b"] as const;
export const regionColor = (index: number) => regionColors[index % regionColors.length]!;
