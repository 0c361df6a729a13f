import type { DrillScore } from "./drill-score";
import type { IncidentStatus } from "./incident";
import type { DeclarePrefill } from "./incident-view";
import type { MaintenanceComponent } from "./maintenance";
import type { Severity } from "./severity";

/**
 * Drills (issue 13 part 6), pure: which lab fault each scenario injects by default, what the drill's alerts are about
 * (its maintenance window's scope, so they page nobody), and the drill as the pages show it. The store and the policy
 * are server/drills; the score is lib/drill-score.ts.
 */

/** The lab faults a drill can inject (lab/faults.ts), each one undone by the lab's `clear-fault`. */
export const drillFaults = ["db-down", "api-down", "api-slow", "mirror-down", "cdn-outage", "lag"] as const;
export type DrillFault = (typeof drillFaults)[number];

export const drillFaultLabels: Record<DrillFault, string> = {
  "db-down": "Database stopped (db-down)",
  "api-down": "Region API killed (api-down)",
  "api-slow": "Region API slow (api-slow)",
  "mirror-down": "Mirror storage down (mirror-down)",
  "cdn-outage": "CDN outage (cdn-outage)",
  lag: "Replication paused (lag)",
};

/** The runbook's monthly failover test, run as a drill: no fault, the switchover is the exercise. */
export const FAILOVER_TEST = "failover-test";

export interface DrillPlan {
  /** the fault injected unless the lead picks another; null: nothing to inject */
  defaultFault: DrillFault | null;
  /** where it goes unless the lead picks another region: the primary, or a replica (the failover test promotes one) */
  defaultRegion: "primary" | "replica";
  /** what the drill's alerts are about, for its maintenance window (lib/maintenance.ts alertScope) */
  components: MaintenanceComponent[];
  /**
   * The window covers every region, not only the drill's: a stopped primary also stops replication in every other
   * region, a CDN alert is about every region served through the provider, a switchover touches two regions.
   */
  everyRegion: boolean;
}

/** What a drill of each runbook does. */
export const drillPlans: Record<string, DrillPlan> = {
  "primary-database-failure": {
    defaultFault: "db-down",
    defaultRegion: "primary",
    components: ["api", "database"],
    everyRegion: true,
  },
  "primary-region-degraded": {
    defaultFault: "api-slow",
    defaultRegion: "primary",
    components: ["api", "database"],
    everyRegion: false,
  },
  "cdn-provider-outage": {
    defaultFault: "cdn-outage",
    defaultRegion: "primary",
    components: ["cdn"],
    everyRegion: true,
  },
  "mirror-storage-failure": {
    defaultFault: "mirror-down",
    defaultRegion: "primary",
    components: ["mirrors"],
    everyRegion: false,
  },
  [FAILOVER_TEST]: { defaultFault: null, defaultRegion: "replica", components: ["api", "database"], everyRegion: true },
};

export const drillScenarioIds = Object.keys(drillPlans);

/** What a fault makes alerts about, beyond its scenario's components (a lead may pick another fault). */
const faultComponents: Record<DrillFault, MaintenanceComponent[]> = {
  "db-down": ["api", "database"],
  "api-down": ["api", "database"],
  "api-slow": ["api", "database"],
  "mirror-down": ["mirrors"],
  "cdn-outage": ["cdn"],
  lag: ["database"],
};

/** The scope of a drill's maintenance window: regions (empty: every one) and components. */
export function drillWindowScope(
  scenarioId: string,
  region: string,
  fault: DrillFault | null,
): { regions: string[]; components: MaintenanceComponent[] } {
  const plan = drillPlans[scenarioId];
  const components = new Set<MaintenanceComponent>([
    ...(plan?.components ?? []),
    ...(fault ? faultComponents[fault] : []),
  ]);
  const everyRegion = (plan?.everyRegion ?? false) || fault === "db-down" || fault === "cdn-outage";
  return { regions: everyRegion ? [] : [region], components: [...components].sort() };
}

/** How long after a drill ends its alerts stay expected: the fault is cleared, its alerts need a moment to resolve. */
export const DRILL_GRACE_MS = 5 * 60_000;

/** The longest a drill keeps its alerts expected when nobody ends it. */
export const DRILL_MAX_MS = 12 * 3_600_000;

export type DrillStatus = "running" | "ended" | "cancelled";

export const drillStatusLabels: Record<DrillStatus, string> = {
  running: "Running",
  ended: "Ended",
  cancelled: "Cancelled",
};

/** The drill's incident, as much as the report needs. */
export interface DrillIncident {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  declaredAt: string;
  firstCommAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
}

/** A drill as the pages show it. Times are ISO instants. */
export interface DrillView {
  id: number;
  scenarioId: string;
  scenarioTitle: string;
  severity: Severity;
  region: string;
  fault: DrillFault | null;
  participants: { id: string; name: string; email: string }[];
  status: DrillStatus;
  startedAt: string;
  startedBy: string | null;
  faultInjectedAt: string | null;
  faultClearedAt: string | null;
  faultNote: string | null;
  incident: DrillIncident | null;
  maintenanceWindowId: number | null;
  endedAt: string | null;
  endedBy: string | null;
  /** kept when the drill ended; null while it runs (the report computes it live) */
  score: DrillScore | null;
}

/** "Drill #3": how people write a drill's id. */
export const drillRef = (id: number) => `Drill #${id}`;

/** When the response clock of a drill starts: the fault Switchyard injected, else the drill's start (people cause it). */
export const drillClockStart = (d: Pick<DrillView, "faultInjectedAt" | "startedAt">) =>
  d.faultInjectedAt ?? d.startedAt;

/**
 * The declaration of a drill's incident, prefilled from the drill: "Drill: <scenario>", its severity, its region, and
 * its scenario when that is one of the runbook's scenarios (the failover test is a procedure: the response checklist
 * only).
 */
export function prefillFromDrill(
  d: Pick<DrillView, "scenarioId" | "scenarioTitle" | "severity" | "region">,
  scenarioIds: readonly string[],
): DeclarePrefill {
  return {
    title: `Drill: ${d.scenarioTitle}`.slice(0, 200),
    severity: d.severity,
    scenarioId: scenarioIds.includes(d.scenarioId) ? d.scenarioId : null,
    regions: [d.region],
    impact: "",
    fromAlertId: null,
  };
}
