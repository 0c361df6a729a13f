import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { HistoryCharts } from "@/components/charts/history-charts";
import { MirrorsTable } from "@/components/mirrors/mirrors-table";
import { QuerySeed } from "@/components/ui/query-seed";
import { fleetQuery } from "@/lib/queries";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const metadata: Metadata = { title: "Mirrors" };

export default async function MirrorsPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, await getFleetSnapshot({ kind: "user", user }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Mirrors</h1>
      <QuerySeed client={queryClient}>
        <FiringAlertsPanel heading="Mirror alerts" ruleIds={["mirror-hit-rate"]} emptyText="No mirror alerts firing" />
        <MirrorsTable />
        <HistoryCharts heading="Hit rate history" metrics={["mirrorHitRate"]} />
      </QuerySeed>
    </div>
  );
}
