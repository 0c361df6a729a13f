import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { HistoryCharts } from "@/components/charts/history-charts";
import { FleetReachability } from "@/components/fleet/reachability-matrix";
import { ReplicationStatus } from "@/components/replication/replication-status";
import { QuerySeed } from "@/components/ui/query-seed";
import { fleetQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const metadata: Metadata = { title: "Replication" };

export default async function ReplicationPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, await getFleetSnapshot({ kind: "user", user }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Replication</h1>
      <QuerySeed client={queryClient}>
        <FiringAlertsPanel
          heading="Replication alerts"
          ruleIds={["replication-lag", "replication-stopped", "two-primaries"]}
          emptyText="No replication alerts firing"
          canRequest={hasRole(user.role, "engineer")}
        />
        <ReplicationStatus />
        <FleetReachability />
        <HistoryCharts heading="Lag history" metrics={["lagSeconds", "lagBytes"]} />
      </QuerySeed>
    </div>
  );
}
