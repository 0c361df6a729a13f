"use client";

import { useMemo } from "react";
import { regionColor } from "@/components/charts/metrics";
import { TrendChart } from "@/components/charts/trend-chart";
import { drillMeasureLabels, drillMeasures, drillTrend, type DrillScore } from "@/lib/drill-score";

const percent = (n: number) => `${Math.round(n)}%`;

const measureLines = drillMeasures.map((m, i) => ({ key: m, label: drillMeasureLabels[m], color: regionColor(i) }));
const scoreLines = [{ key: "score", label: "Targets met", color: regionColor(3) }];

/**
 * The trend across scored drills: each measure as a share of its target (under the dashed 100 % line it was met),
 * so drills of different severities read on one scale; and the share of targets each drill met.
 */
export function DrillTrend({ drills }: { drills: { id: number; startedAt: string; score: DrillScore | null }[] }) {
  const rows = useMemo(() => drillTrend(drills), [drills]);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <TrendChart
        testId="drill-trend-measures"
        title="Time taken, as a share of the target"
        rows={rows}
        lines={measureLines}
        format={percent}
        reference={{ y: 100, label: "target" }}
      />
      <TrendChart
        testId="drill-trend-score"
        title="Targets met per drill"
        rows={rows}
        lines={scoreLines}
        format={percent}
      />
    </div>
  );
}
