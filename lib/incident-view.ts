import type { AlertView } from "./fleet-view";
import type { StepState } from "./incident";
import type { PhaseClock } from "./phase-clocks";
import { incidentPhases, phaseClocks, severities, type IncidentPhase, type Severity } from "./severity";
import { formatDuration } from "./units";

/** Small pure helpers for the incident pages: the list's filter, windows, the next step, alert prefill. */

export type IncidentFilter = { status: "open" | "resolved" | "all"; severity?: Severity; scenarioId?: string };

const minutes = (m: number) => formatDuration(m * 60_000);

/** A phase's window as the runbook writes it: "0–5 min", "15–60 min", "after 1 h", post-mortem "within 48 h of resolution". */
export function phaseWindow(severity: Severity, phase: IncidentPhase): string {
  const rule = phaseClocks[severity];
  if (phase === "postmortem") return `within ${rule.postmortemDueHours} h of resolution`;
  const [from, to] = rule.phases[phase];
  if (to === null) return `after ${minutes(from)}`;
  if (to < 60) return `${from}–${to} min`;
  return `${minutes(from)} – ${minutes(to)}`;
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The step to do next: the first unchecked step of the earliest phase that is not done yet and still has
 * unchecked steps. Null when nothing is left.
 */
export function nextStepKey(
  steps: Pick<StepState, "key" | "phase" | "checked">[],
  clocks: Pick<PhaseClock, "phase" | "state">[],
): string | null {
  for (const phase of incidentPhases) {
    if (clocks.find((c) => c.phase === phase)?.state === "done") continue;
    const step = steps.find((s) => s.phase === phase && !s.checked);
    if (step) return step.key;
  }
  return null;
}

export interface DeclarePrefill {
  title: string;
  severity: Severity;
  scenarioId: string | null;
  regions: string[];
  impact: string;
  fromAlertId: number | null;
}

/**
 * A declaration prefilled from a firing alert: its summary as the title, its region, P1 for a critical alert
 * and P2 for a warning, and the alert's runbook as the scenario when that runbook is one of the scenarios.
 */
export function prefillFromAlert(
  alert: Pick<AlertView, "id" | "name" | "summary" | "severity" | "labels" | "runbook">,
  scenarioIds: string[],
  regionIds: string[],
): DeclarePrefill {
  const region = alert.labels.region;
  return {
    title: (alert.summary || alert.name).slice(0, 200),
    severity: alert.severity === "critical" ? "P1" : "P2",
    scenarioId: alert.runbook && scenarioIds.includes(alert.runbook.id) ? alert.runbook.id : null,
    regions: region && regionIds.includes(region) ? [region] : [],
    impact: "",
    fromAlertId: alert.id,
  };
}

export const isSeverity = (s: string): s is Severity => (severities as readonly string[]).includes(s);
