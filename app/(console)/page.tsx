import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { IncidentsPanel } from "@/components/fleet/incidents-panel";
import { RegionGrid } from "@/components/fleet/region-grid";
import { fleetQuery } from "@/lib/queries";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, await getFleetSnapshot({ kind: "user", user }));
  return (
    <div className="space-y-6">
      <h1 className="sr-only">Overview</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <FiringAlertsPanel />
          </div>
          <IncidentsPanel />
        </div>
        <div className="space-y-3">
          <h2 id="regions-heading" className="text-lg font-semibold">
            Regions
          </h2>
          <RegionGrid />
        </div>
      </HydrationBoundary>
    </div>
  );
}
