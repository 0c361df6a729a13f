import type { LiveCheckId } from "./live-checks";
import type { Runbook } from "./runbook-schema";
import { incidentPhases, type IncidentPhase, type Severity } from "./severity";

/** One step of an incident's guided checklist, from the response procedure or the scenario. */
export interface ChecklistStep {
  /** unique within the incident: runbookId/stepId */
  key: string;
  runbookId: string;
  phase: IncidentPhase;
  title: string;
  detail: string | null;
  command: string | null;
  commandKind: "shell" | "sql" | "http" | null;
  action: string | null;
  /** keys of the steps its action's verified run ticks too (a plan's) */
  covers: string[];
  check: LiveCheckId | null;
  /** minutes the check must hold without a break before the step ticks (a stability timer); null: at once */
  holdMinutes: number | null;
}

/** The response procedure's steps and the scenario's, for this severity, in phase order (the response's first within a phase). */
export function buildChecklist(response: Runbook, scenario: Runbook | null, severity: Severity): ChecklistStep[] {
  const steps: ChecklistStep[] = [];
  for (const rb of scenario ? [response, scenario] : [response]) {
    for (const section of rb.sections) {
      if (!section.phase) continue;
      for (const s of section.steps) {
        if (s.severities && !s.severities.includes(severity)) continue;
        steps.push({
          key: `${rb.id}/${s.id}`,
          runbookId: rb.id,
          phase: section.phase,
          title: s.title,
          detail: s.detail ?? null,
          command: s.command ?? null,
          commandKind: s.commandKind ?? null,
          action: s.action ?? null,
          covers: (s.covers ?? []).map((id) => `${rb.id}/${id}`),
          check: s.check?.id ?? null,
          holdMinutes: s.check?.holdMinutes ?? null,
        });
      }
    }
  }
  return steps.sort((a, b) => incidentPhases.indexOf(a.phase) - incidentPhases.indexOf(b.phase));
}
