import type { TrafficSnapshot } from "@/lib/traffic";
import { formatRate, formatRatio } from "@/lib/units";
import { regionColor } from "@/components/charts/metrics";

/** Traffic figures as the traffic components show them; "—" when unknown. */
export const requests = (v: number | null | undefined) => (v == null ? "—" : `${formatRate(v)} req/s`);
export const ratio = (v: number | null | undefined) => (v == null ? "—" : formatRatio(v));
export const millis = (v: number | null | undefined) => (v == null ? "—" : `${Math.round(v)} ms`);

/** Each region's colour, as on the charts: by its place in the fleet. */
export const regionColors = (s: Pick<TrafficSnapshot, "regions">) =>
  Object.fromEntries(s.regions.map((r, i) => [r.id, regionColor(i)])) as Record<string, string>;
