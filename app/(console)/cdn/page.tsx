import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { CdnOverview } from "@/components/cdn/cdn-overview";
import { HistoryCharts } from "@/components/charts/history-charts";
import { QuerySeed } from "@/components/ui/query-seed";
import { fleetQuery } from "@/lib/queries";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const metadata: Metadata = { title: "CDN" };

export default async function CdnPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, await getFleetSnapshot({ kind: "user", user }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">CDN</h1>
      <QuerySeed client={queryClient}>
        <FiringAlertsPanel heading="CDN alerts" ruleIds={["cdn-cache-hit-rate"]} emptyText="No CDN alerts firing" />
        <CdnOverview />
        <HistoryCharts
          heading="CDN history"
          metrics={["cdnHitRate", "bandwidthBytesPerSecond", "directBytesPerSecond", "costRateUsdPerHour"]}
        />
      </QuerySeed>
    </div>
  );
}
