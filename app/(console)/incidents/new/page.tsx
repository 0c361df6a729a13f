import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { forbidden } from "next/navigation";
import { Timestamp } from "@/components/fleet/timestamp";
import { DeclareForm, type RegionOption, type ScenarioOption } from "@/components/incidents/declare-form";
import type { AlertView } from "@/lib/fleet-view";
import { prefillFromAlert, type DeclarePrefill } from "@/lib/incident-view";
import { hasRole } from "@/lib/roles";
import { drillRef, prefillFromDrill, type DrillView } from "@/lib/drills";
import { rowId } from "@/lib/id-schema";
import { incidentRef } from "@/lib/ids";
import { listRecentAlerts } from "@/server/alerts/alerts-service";
import { currentUser } from "@/server/auth/session";
import { listIncidentLeads } from "@/server/auth/users";
import { getRunningDrill } from "@/server/drills/drill-service";
import { getFleetConfig } from "@/server/fleet/config";
import { runbookCatalog } from "@/server/runbooks/catalog";
import { declareIncident } from "../actions";
import { BackLink } from "@/components/ui/back-link";
import { link } from "@/components/incidents/styles";

export const metadata: Metadata = { title: "Declare incident" };

function fleetRegions(): RegionOption[] {
  try {
    return getFleetConfig().regions.map((r) => ({ id: r.id, displayName: r.displayName }));
  } catch (err) {
    console.error(`[incidents] cannot read the fleet file: ${(err as Error).message}`);
    return [];
  }
}

export default async function NewIncidentPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await currentUser();
  if (!user || !hasRole(user.role, "lead")) forbidden();
  const sp = await searchParams;
  const scenarios: ScenarioOption[] = runbookCatalog()
    .filter((r) => r.kind === "scenario")
    .map((r) => ({ id: r.id, title: r.title, summary: r.summary, defaultSeverity: r.defaultSeverity ?? null }))
    .sort((a, b) => a.title.localeCompare(b.title));
  const regions = fleetRegions();
  const leads = await listIncidentLeads(user);

  // A drill's incident: only while that drill runs without one; otherwise the form declares a real incident.
  const running = await getRunningDrill(user);
  const drillParam = rowId.safeParse(Array.isArray(sp.drill) ? sp.drill[0] : sp.drill).data ?? null;
  const drill: DrillView | null = running && running.id === drillParam && !running.incident ? running : null;

  const alertParam = Array.isArray(sp.alert) ? sp.alert[0] : sp.alert;
  let alert: AlertView | null = null;
  let prefill: DeclarePrefill | null = null;
  if (alertParam && /^\d{1,12}$/.test(alertParam)) {
    alert = (await listRecentAlerts({ kind: "user", user })).find((a) => a.id === Number(alertParam)) ?? null;
    if (alert)
      prefill = prefillFromAlert(
        alert,
        scenarios.map((s) => s.id),
        regions.map((r) => r.id),
      );
  }

  if (drill)
    prefill = prefillFromDrill(
      drill,
      scenarios.map((s) => s.id),
    );

  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <BackLink href="/incidents" label="Incidents" />
      <h1 className="text-xl font-semibold">{drill ? "Declare the drill's incident" : "Declare an incident"}</h1>
      {drill ? (
        <p
          data-testid="for-drill"
          className="rounded-lg bg-violet-50 px-3 py-2 text-sm text-violet-900 dark:bg-violet-950/50 dark:text-violet-100"
        >
          The incident of{" "}
          <Link href={`/drills/${drill.id}`} className={link}>
            {drillRef(drill.id)}
          </Link>{" "}
          ({drill.scenarioTitle}): marked as a drill, it pages {drill.participants.map((p) => p.name).join(", ")} and
          nobody else.
        </p>
      ) : (
        (drillParam !== null || (running && !running.incident)) && (
          <p
            data-testid="drill-notice"
            className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
          >
            {running && !running.incident ? (
              <>
                <Link href={`/drills/${running.id}`} className={link}>
                  {drillRef(running.id)}
                </Link>{" "}
                is running. If this is its incident, declare it from the drill, so that it pages the participants only;
                this form declares a real incident and pages the on-call engineer.
              </>
            ) : running?.incident && running.id === drillParam ? (
              <>
                {drillRef(running.id)} has its incident already ({incidentRef(running.incident.id)}); this form declares
                a real incident.
              </>
            ) : drillParam !== null ? (
              <>{drillRef(drillParam)} is not running; this form declares a real incident.</>
            ) : null}
          </p>
        )
      )}
      {alertParam && (
        <p
          data-testid="from-alert"
          className={`rounded-lg px-3 py-2 text-sm ${alert ? "bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-100" : "bg-amber-50 text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"}`}
        >
          {alert ? (
            <>
              From alert #{alert.id} <strong>{alert.name}</strong> ({alert.severity},{" "}
              {alert.state === "firing" ? "firing" : "resolved"} since{" "}
              <Timestamp iso={alert.state === "firing" ? alert.startedAt : (alert.resolvedAt ?? alert.startedAt)} />
              ): {alert.summary}
            </>
          ) : (
            <>Alert #{alertParam} was not found among the recent alerts; fill in the form by hand.</>
          )}
        </p>
      )}
      <DeclareForm
        key={drill ? `drill-${drill.id}` : (alert?.id ?? "blank")}
        scenarios={scenarios}
        regions={regions}
        leads={leads}
        defaultLeadId={user.id}
        prefill={prefill}
        drillId={drill?.id ?? null}
        declare={declareIncident}
      />
    </div>
  );
}
