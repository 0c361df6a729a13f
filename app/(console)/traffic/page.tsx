import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { TrafficCharts } from "@/components/traffic/traffic-charts";
import { TrafficOverview } from "@/components/traffic/traffic-overview";
import { QuerySeed } from "@/components/ui/query-seed";
import { trafficQuery } from "@/lib/queries";
import { requireUser } from "@/server/auth/session";
import { getTrafficView } from "@/server/traffic/traffic-service";

export const metadata: Metadata = { title: "Global traffic" };

export default async function TrafficPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  queryClient.setQueryData(trafficQuery.queryKey, await getTrafficView({ kind: "user", user }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Global traffic</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The global load balancer in front of the regions: who serves each geography&apos;s users, what they see, and
          each region&apos;s state in the balancer.
        </p>
      </div>
      <QuerySeed client={queryClient}>
        <TrafficOverview />
        <TrafficCharts />
      </QuerySeed>
    </div>
  );
}
