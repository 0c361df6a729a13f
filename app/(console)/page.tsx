import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
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
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Regions</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <RegionGrid />
      </HydrationBoundary>
    </div>
  );
}
