"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { ChartRange } from "@/lib/fleet-sample";
import { ownZoneName } from "@/lib/format";
import { trafficHistoryQuery } from "@/lib/queries";
import { withLatestPoints } from "@/lib/traffic-view";
import type { ChartRegion } from "@/components/charts/fleet-chart";
import { FleetChart } from "@/components/charts/fleet-chart";
import { regionColor } from "@/components/charts/metrics";
import { RangeSwitch } from "@/components/charts/range-switch";
import { InBrowser } from "@/components/ui/in-browser";
import { useTraffic } from "./use-traffic";

/**
 * Global traffic over time: requests per second per region, and per geography its users' p95 latency, error rate
 * and the share its home region answered. The 15-minute history grows with each new snapshot the page hears of;
 * the longer ranges are re-read every minute.
 */
export function TrafficCharts() {
  const [range, setRange] = useState<ChartRange>("15m");
  const { data: view } = useTraffic();
  const {
    data: history,
    error,
    isError,
  } = useQuery({
    ...trafficHistoryQuery(range),
    // nothing to chart without a balancer
    enabled: view?.configured !== false,
  });
  const snapshot = view?.snapshot ?? null;
  const data = useMemo(
    () => (history && snapshot && !view?.stale ? withLatestPoints(history, snapshot) : history),
    [history, snapshot, view?.stale],
  );

  // Lines keep their colour: regions by their place in the fleet (as on the cards), geographies by theirs.
  const regionIds = (snapshot?.regions.map((r) => r.id) ?? Object.keys(data?.regions ?? {})).join(",");
  const geographyIds = (snapshot?.geographies.map((g) => g.id) ?? Object.keys(data?.geographies ?? {})).join(",");
  const regionLines: ChartRegion[] = useMemo(
    () =>
      regionIds
        .split(",")
        .filter(Boolean)
        .map((id, i) => ({ id, color: regionColor(i) })),
    [regionIds],
  );
  const geographyLines: ChartRegion[] = useMemo(
    () =>
      geographyIds
        .split(",")
        .filter(Boolean)
        .map((id, i) => ({ id, color: regionColor(i + 3) })),
    [geographyIds],
  );

  if (view && !view.configured) return null;
  return (
    <section aria-labelledby="traffic-history-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="traffic-history-heading" className="text-lg font-semibold">
            Traffic history
          </h2>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {/* the reader's zone, named as the page's timestamps name it; the server's is not the reader's */}
            Local time<InBrowser> ({ownZoneName()})</InBrowser>
            {data && data.bucketSeconds > 5
              ? ` · averaged over ${data.bucketSeconds >= 60 ? `${data.bucketSeconds / 60} min` : `${data.bucketSeconds} s`}`
              : ""}
          </p>
        </div>
        <RangeSwitch value={range} onChange={setRange} />
      </div>
      {!data ? (
        <p className="rounded-xl border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          {isError ? `Cannot load the traffic history: ${error.message}` : "Loading history…"}
        </p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <FleetChart
            metric="requestsPerSecond"
            title="Requests per second by region"
            testId="chart-region-requests"
            series={data.regions}
            bucketSeconds={data.bucketSeconds}
            regions={regionLines}
            range={data.range}
          />
          <FleetChart
            metric="p95Ms"
            title="Users' p95 latency by geography"
            testId="chart-geography-p95"
            series={data.geographies}
            bucketSeconds={data.bucketSeconds}
            regions={geographyLines}
            range={data.range}
          />
          <FleetChart
            metric="errorRate"
            title="Users' error rate by geography"
            testId="chart-geography-errors"
            series={data.geographies}
            bucketSeconds={data.bucketSeconds}
            regions={geographyLines}
            range={data.range}
          />
          <FleetChart
            metric="homeShare"
            title="Share served by the home region, by geography"
            testId="chart-geography-home-share"
            series={data.geographies}
            bucketSeconds={data.bucketSeconds}
            regions={geographyLines}
            range={data.range}
          />
        </div>
      )}
    </section>
  );
}
