import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { acknowledgeAlertGroup, confirmTriageIncident, dismissTriageIncident } from "./alerts/actions";
import { FiringAlertsPanel } from "@/components/alerts/firing-alerts-panel";
import { IncidentsPanel } from "@/components/fleet/incidents-panel";
import { FleetReachabilitySummary } from "@/components/fleet/reachability-matrix";
import { RegionGrid } from "@/components/fleet/region-grid";
import { TrafficPanel } from "@/components/traffic/traffic-panel";
import { QuerySeed } from "@/components/ui/query-seed";
import { alertGroupsQuery, fleetQuery, incidentsQuery, trafficQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { listAlertGroups } from "@/server/alerts/alert-group-service";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";
import { listIncidents } from "@/server/incidents/incident-service";
import { getTrafficView } from "@/server/traffic/traffic-service";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireUser();
  const queryClient = new QueryClient();
  const caller = { kind: "user", user } as const;
  const [snapshot, open, traffic, groups] = await Promise.all([
    getFleetSnapshot(caller),
    listIncidents(caller, { status: "open" }),
    getTrafficView(caller),
    listAlertGroups(caller, { status: "open" }),
  ]);
  queryClient.setQueryData(alertGroupsQuery("open").queryKey, { groups });
  queryClient.setQueryData(fleetQuery.queryKey, snapshot);
  queryClient.setQueryData(incidentsQuery().queryKey, { incidents: open });
  queryClient.setQueryData(trafficQuery.queryKey, traffic);
  return (
    <div className="space-y-6">
      <h1 className="sr-only">Overview</h1>
      <QuerySeed client={queryClient}>
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <FiringAlertsPanel
              grouped
              groupActions={{
                acknowledge: acknowledgeAlertGroup,
                confirm: confirmTriageIncident,
                dismiss: dismissTriageIncident,
              }}
              canDeclare={hasRole(user.role, "lead")}
              canAcknowledge={hasRole(user.role, "engineer")}
              canRequest={hasRole(user.role, "engineer")}
            />
          </div>
          <IncidentsPanel />
        </div>
        <div className="space-y-3">
          <h2 id="regions-heading" className="text-lg font-semibold">
            Regions
          </h2>
          <RegionGrid />
        </div>
        {/* A fleet without a global load balancer has no traffic to show here (the traffic page says why). */}
        {traffic.configured && <TrafficPanel />}
        <FleetReachabilitySummary />
      </QuerySeed>
    </div>
  );
}
