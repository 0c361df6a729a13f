import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { IncidentFilters } from "@/components/incidents/incident-filters";
import { IncidentList, ResponseTimes } from "@/components/incidents/incident-list";
import { btnPrimary } from "@/components/incidents/styles";
import { MaintenanceBanner } from "@/components/maintenance/maintenance-banner";
import { QuerySeed } from "@/components/ui/query-seed";
import { parseIncidentFilters } from "@/lib/incident-schema";
import { incidentsQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { listIncidents } from "@/server/incidents/incident-service";
import { readMaintenanceAnnouncements } from "@/server/maintenance/maintenance-service";
import { runbookCatalog } from "@/server/runbooks/catalog";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const filter = parseIncidentFilters(await searchParams);
  const queryClient = new QueryClient();
  const now = new Date();
  const [incidents, maintenance] = await Promise.all([
    listIncidents({ kind: "user", user }, filter),
    readMaintenanceAnnouncements(user, now),
  ]);
  queryClient.setQueryData(incidentsQuery(filter).queryKey, { incidents });
  const scenarios = runbookCatalog()
    .filter((r) => r.kind === "scenario")
    .map((r) => ({ id: r.id, title: r.title }))
    .sort((a, b) => a.title.localeCompare(b.title));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Incidents</h1>
        {hasRole(user.role, "lead") && (
          <Link href="/incidents/new" className={btnPrimary}>
            Declare incident
          </Link>
        )}
      </div>
      <MaintenanceBanner windows={maintenance} at={now.toISOString()} />
      <IncidentFilters filter={filter} scenarios={scenarios} />
      <QuerySeed client={queryClient}>
        <IncidentList filter={filter} />
        <ResponseTimes filter={filter} />
      </QuerySeed>
    </div>
  );
}
