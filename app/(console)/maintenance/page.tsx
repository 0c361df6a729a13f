import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { link, muted, panel } from "@/components/incidents/styles";
import { FailoverTestForm } from "@/components/maintenance/failover-test-form";
import { FailoverTests } from "@/components/maintenance/failover-tests";
import { ScheduleMaintenanceForm } from "@/components/maintenance/schedule-form";
import { WindowList } from "@/components/maintenance/window-list";
import { windowPhase } from "@/lib/maintenance";
import { nextTestDue } from "@/lib/failover-test";
import { hasRole } from "@/lib/roles";
import { failoverTestCandidates, listFailoverTests } from "@/server/failover-tests/failover-test-service";
import { requireUser } from "@/server/auth/session";
import { maintenanceRegions, readMaintenanceOverview } from "@/server/maintenance/maintenance-service";
import { cancelMaintenance, scheduleFailoverTest, scheduleMaintenance } from "./actions";

export const metadata: Metadata = { title: "Maintenance" };

/** Every zone the runtime knows, UTC first (the form's default). */
function timeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
}

/** Maintenance windows: in progress, to come and recently past, for everyone; leads and admins schedule and cancel. */
export default async function MaintenancePage() {
  const user = await requireUser();
  const [overview, tests] = await Promise.all([readMaintenanceOverview(user), listFailoverTests(user)]);
  const at = new Date(overview.at);
  const canSchedule = hasRole(user.role, "lead");
  const cancel = canSchedule ? cancelMaintenance : undefined;
  const due = nextTestDue(tests);
  const candidates = canSchedule ? await failoverTestCandidates() : null;
  const nothing = !overview.active.length && !overview.upcoming.length && !overview.past.length;
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Maintenance</h1>
        <p className={`text-sm ${muted}`}>
          Planned work on the fleet, such as the runbook&apos;s monthly failover test. While a window runs, a new alert
          group about only the regions and components it covers is marked expected and pages nobody. Windows marked
          public are announced on the{" "}
          <Link href="/status" className={link}>
            status page
          </Link>
          , and the incident list announces a window in progress or starting within a day.
          {!canSchedule && " Incident leads and admins schedule them."}
        </p>
      </div>

      {nothing && (
        <p className={`text-sm ${muted}`} data-testid="maintenance-empty">
          No maintenance scheduled, and none in the last 30 days.
          {canSchedule ? " Schedule the first window below." : ""}
        </p>
      )}

      {!nothing && (
        <>
          <section aria-labelledby="maintenance-active" className={`${panel} space-y-2`}>
            <h2 id="maintenance-active" className="text-lg font-semibold">
              In progress
            </h2>
            <WindowList
              windows={overview.active}
              phaseOf={() => "active"}
              empty="No maintenance in progress."
              cancel={cancel}
              testId="maintenance-active-list"
            />
          </section>
          <section aria-labelledby="maintenance-upcoming" className={`${panel} space-y-2`}>
            <h2 id="maintenance-upcoming" className="text-lg font-semibold">
              Upcoming
            </h2>
            <WindowList
              windows={overview.upcoming}
              phaseOf={() => "upcoming"}
              empty="Nothing scheduled."
              cancel={cancel}
              testId="maintenance-upcoming-list"
            />
          </section>
          <section aria-labelledby="maintenance-past" className={`${panel} space-y-2`}>
            <h2 id="maintenance-past" className="text-lg font-semibold">
              Past 30 days
            </h2>
            <WindowList
              windows={overview.past}
              phaseOf={(w) => windowPhase(w, at)}
              empty="No window ended or was cancelled in the last 30 days."
              testId="maintenance-past-list"
            />
          </section>
        </>
      )}

      <section aria-labelledby="failover-tests" className={`${panel} space-y-3`}>
        <div className="space-y-1">
          <h2 id="failover-tests" className="text-lg font-semibold">
            Monthly failover test
          </h2>
          <p className={`text-sm ${muted}`} data-testid="failover-test-due">
            {due ? (
              <>
                Next due by <Timestamp iso={due.toISOString()} show="full" />, a month after the last one.
              </>
            ) : (
              "No test has finished yet: the runbook asks for one a month."
            )}
          </p>
        </div>
        <FailoverTests tests={tests} at={at} canRequest={hasRole(user.role, "engineer")} />
        {candidates && (
          <>
            <h3 className="pt-2 font-semibold">Schedule a test</h3>
            <FailoverTestForm
              replicas={candidates.replicas}
              primary={candidates.primary}
              zones={timeZones()}
              schedule={scheduleFailoverTest}
            />
          </>
        )}
      </section>

      {canSchedule && (
        <section aria-labelledby="schedule-maintenance" className={`${panel} space-y-3`}>
          <h2 id="schedule-maintenance" className="text-lg font-semibold">
            Schedule maintenance
          </h2>
          <ScheduleMaintenanceForm regions={maintenanceRegions()} zones={timeZones()} schedule={scheduleMaintenance} />
        </section>
      )}
    </div>
  );
}
