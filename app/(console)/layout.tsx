import { QueryClient } from "@tanstack/react-query";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { RegionGrid } from "@/components/fleet/region-grid";
import { AppHeader } from "@/components/ui/app-header";
import { QuerySeed } from "@/components/ui/query-seed";
import { StoreUnreachableNotice } from "@/components/ui/store-unreachable";
import { fleetQuery } from "@/lib/queries";
import { currentUserOrStoreError } from "@/server/auth/session";
import { lastKnownFleetSnapshot } from "@/server/fleet/fleet-service";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user, storeUnreachable, lastKnownUser } = await currentUserOrStoreError();
  if (storeUnreachable) return <StoreUnreachableView user={lastKnownUser} />;
  if (!user) redirect("/signin");
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}

/**
 * While the console's own store cannot be reached: a notice instead of the page, and for a session this console
 * found valid while the store answered, the fleet as it last read it (read-only; its regions turn "stale since …").
 * Nobody else sees any of it. The page comes back by itself once the store answers.
 */
function StoreUnreachableView({ user }: { user: Parameters<typeof AppHeader>[0]["user"] | null }) {
  const snapshot = user ? lastKnownFleetSnapshot() : null;
  if (!user || !snapshot) {
    return (
      <>
        {user && <AppHeader user={user} />}
        <main className="mx-auto max-w-lg px-4 py-16">
          <StoreUnreachableNotice withFleet={false} />
        </main>
      </>
    );
  }
  const queryClient = new QueryClient();
  queryClient.setQueryData(fleetQuery.queryKey, snapshot);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-6">
        <StoreUnreachableNotice withFleet />
        <QuerySeed client={queryClient}>
          <h2 className="text-lg font-semibold">Regions</h2>
          <RegionGrid />
        </QuerySeed>
      </main>
    </>
  );
}
