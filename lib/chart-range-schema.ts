import { z } from "zod";
import { chartRanges, type ChartRange } from "./fleet-sample";

const chartRangeQuery = z.object({
  range: z.enum(Object.keys(chartRanges) as [ChartRange]).default("15m"),
});

/** The `?range=15m|1h|24h` of a chart history request (15m when absent); null when it is something else. */
export function chartRangeOf(url: string): ChartRange | null {
  const parsed = chartRangeQuery.safeParse({ range: new URL(url).searchParams.get("range") ?? undefined });
  return parsed.success ? parsed.data.range : null;
}
