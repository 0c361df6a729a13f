import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { DrillList } from "@/components/drills/drill-list";
import { DrillTrend } from "@/components/drills/drill-trend";
import { StartDrillForm, type DrillRegionOption, type DrillScenarioOption } from "@/components/drills/start-drill-form";
import { link, muted, panel } from "@/components/incidents/styles";
import { FAILOVER_TEST, drillPlans, drillRef } from "@/lib/drills";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { drillPeople, drillRegions, listDrills } from "@/server/drills/drill-service";
import { runbookCatalog } from "@/server/runbooks/catalog";
import { startDrill } from "./actions";

export const metadata: Metadata = { title: "Drills" };

/** The runbooks a drill can exercise: the scenarios, then the monthly failover test. */
function drillScenarios(): DrillScenarioOption[] {
  const runbooks = runbookCatalog().filter((r) => Object.hasOwn(drillPlans, r.id));
  return runbooks
    .map((r) => ({ id: r.id, title: r.title, defaultSeverity: r.defaultSeverity ?? null }))
    .sort((a, b) => Number(a.id === FAILOVER_TEST) - Number(b.id === FAILOVER_TEST) || a.title.localeCompare(b.title));
}

function fleetRegions(): DrillRegionOption[] {
  try {
    return drillRegions();
  } catch (err) {
    console.error(`[drills] cannot read the fleet file: ${(err as Error).message}`);
    return [];
  }
}

/** Drills: the list with their scores, the trend across them, and (for leads) the form that starts one. */
export default async function DrillsPage() {
  const user = await requireUser();
  const drills = await listDrills(user);
  const canStart = hasRole(user.role, "lead");
  const running = drills.find((d) => d.status === "running");
  const scored = drills.filter((d) => d.score).map((d) => ({ id: d.id, startedAt: d.startedAt, score: d.score }));
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Drills</h1>
        <p className={`text-sm ${muted}`}>
          A drill runs a scenario of the runbook on purpose, or the monthly failover test. In the lab Switchyard injects
          the fault itself; on a real fleet the drill&apos;s lead starts it here and people cause the fault. Its
          incident is marked as a drill and pages the participants only; ending the drill scores the response against
          the severity&apos;s phase targets.{!canStart && " Incident leads and admins start them."}
        </p>
      </div>

      {running && (
        <p
          data-testid="drill-running"
          className="rounded-lg bg-violet-50 px-3 py-2 text-sm text-violet-900 dark:bg-violet-950/50 dark:text-violet-100"
        >
          <Link href={`/drills/${running.id}`} className={link}>
            {drillRef(running.id)}
          </Link>{" "}
          is running: {running.scenarioTitle} in {running.region}.
        </p>
      )}

      {drills.length === 0 ? (
        <p className={`text-sm ${muted}`} data-testid="drills-empty">
          No drills yet.{canStart ? " Start the first one below." : ""}
        </p>
      ) : (
        <>
          <section aria-labelledby="drills-trend" className="space-y-3">
            <h2 id="drills-trend" className="text-lg font-semibold">
              Trend
            </h2>
            <DrillTrend drills={scored} />
          </section>
          <section aria-labelledby="drills-list" className={`${panel} space-y-2`}>
            <h2 id="drills-list" className="text-lg font-semibold">
              All drills
            </h2>
            <DrillList drills={drills} />
          </section>
        </>
      )}

      {canStart && (
        <section aria-labelledby="start-drill" className={`${panel} space-y-3`}>
          <h2 id="start-drill" className="text-lg font-semibold">
            Start a drill
          </h2>
          {/* the form stays mounted while a drill runs: the one it just started moves on to that drill's page */}
          <StartDrillForm
            scenarios={drillScenarios()}
            regions={fleetRegions()}
            people={await drillPeople(user)}
            me={user.id}
            start={startDrill}
            running={running ? running.id : null}
          />
        </section>
      )}
    </div>
  );
}
