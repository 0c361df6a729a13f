import type { Incident, StepState } from "./incident";
import { incidentPhases, phaseClocks, type IncidentPhase } from "./severity";

export type PhaseState = "done" | "active" | "overdue" | "upcoming";

export interface PhaseClock {
  phase: IncidentPhase;
  startsAt: string | null;
  dueAt: string | null;
  doneAt: string | null;
  state: PhaseState;
  /** ms until due (negative when overdue), null without a deadline */
  remainingMs: number | null;
}

const min = (ms: number) => ms * 60_000;
const latest = (xs: (string | null)[]) =>
  xs.every(Boolean) && xs.length ? xs.reduce((a, b) => (a! > b! ? a : b)) : null;

/**
 * The phase clocks of an incident, all from its declaration time and the server's now, so every browser shows
 * the same clock and a restart changes nothing. A phase is done when its steps are all checked; Communicate
 * when the first message went out, Mitigate also when the incident moved to monitoring, Resolve when resolved.
 * The post-mortem clock starts at resolution.
 */
export function phaseClocksFor(
  incident: Pick<Incident, "severity" | "declaredAt" | "firstCommAt" | "mitigatedAt" | "resolvedAt">,
  steps: Pick<StepState, "phase" | "checked" | "checkedAt">[],
  now: number,
): PhaseClock[] {
  const rule = phaseClocks[incident.severity];
  const declared = Date.parse(incident.declaredAt);
  return incidentPhases.map((phase) => {
    const phaseSteps = steps.filter((s) => s.phase === phase);
    const allChecked =
      phaseSteps.length > 0 && phaseSteps.every((s) => s.checked) ? latest(phaseSteps.map((s) => s.checkedAt)) : null;
    let startsAt: number | null;
    let dueAt: number | null;
    let doneAt: string | null = allChecked;
    if (phase === "postmortem") {
      startsAt = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
      dueAt = startsAt === null ? null : startsAt + rule.postmortemDueHours * 3_600_000;
    } else {
      const [from, to] = rule.phases[phase];
      startsAt = declared + min(from);
      dueAt = to === null ? null : declared + min(to);
      if (phase === "communicate") doneAt = incident.firstCommAt ?? null;
      if (phase === "mitigate") doneAt = incident.mitigatedAt ?? allChecked;
      if (phase === "resolve") doneAt = incident.resolvedAt ?? null;
    }
    const state: PhaseState = doneAt
      ? "done"
      : startsAt === null || now < startsAt
        ? "upcoming"
        : dueAt !== null && now > dueAt
          ? "overdue"
          : "active";
    return {
      phase,
      startsAt: startsAt === null ? null : new Date(startsAt).toISOString(),
      dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
      doneAt,
      state,
      remainingMs: dueAt === null || doneAt ? null : dueAt - now,
    };
  });
}
