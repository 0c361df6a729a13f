import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { HistoryCharts } from "@/components/charts/history-charts";
import { RegionDetail } from "@/components/fleet/region-detail";
import { QuerySeed } from "@/components/ui/query-seed";
import { fleetQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).id };
}

export default async function RegionPage({ params }: Props) {
  const { id } = await params;
  const user = await requireUser();
  const snapshot = await getFleetSnapshot({ kind: "user", user });
  const region = snapshot.regions.find((r) => r.id === id);
  if (!region) notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, snapshot);
  const metrics = [
    ...(region.role === "replica" ? (["lagSeconds", "lagBytes"] as const) : []),
    "mirrorHitRate",
    "cdnHitRate",
    "bandwidthBytesPerSecond",
    "costRateUsdPerHour",
    "apiLatencyMs",
  ] as const;
  return (
    <div className="space-y-6">
      <QuerySeed client={queryClient}>
        <RegionDetail id={id} />
        <FiringAlertsPanel
          heading="Alerts for this region"
          regionId={id}
          emptyText={`No alerts firing for ${id}`}
          canDeclare={hasRole(user.role, "lead")}
          canRequest={hasRole(user.role, "engineer")}
        />
        <HistoryCharts heading="History" metrics={[...metrics]} regionIds={[id]} />
      </QuerySeed>
    </div>
  );
}
