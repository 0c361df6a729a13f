import type { Incident, TimelineEvent } from "./incident";
import { statusLabels } from "./incident";
import { formatDuration } from "./units";

/** The runbook's three communication templates, filled from the incident; the lead edits them before sending. */

export const commKinds = ["initial", "update", "resolution"] as const;
export type CommKind = (typeof commKinds)[number];

export const commLabels: Record<CommKind, string> = {
  initial: "Initial Alert",
  update: "Update",
  resolution: "Resolution",
};

/** The actions taken: runbook actions and checked steps, in order, without the comms themselves. */
export function actionsTaken(events: TimelineEvent[]): string[] {
  return events
    .filter((e) => e.kind === "action" || (e.kind === "step" && e.data.checked === true))
    .map((e) => e.message);
}

export function fillTemplate(
  kind: CommKind,
  incident: Incident,
  events: TimelineEvent[],
  now: number,
  postmortemUrl = "",
): string {
  const lead = `@${incident.lead.name}`;
  const eta = incident.eta || "unknown";
  switch (kind) {
    case "initial":
      return [
        `🚨 INCIDENT: ${incident.title}`,
        `Severity: ${incident.severity}`,
        `Status: ${statusLabels[incident.status]}`,
        `Impact: ${incident.impact || "being assessed"}`,
        `ETA: ${eta}`,
        `Incident Lead: ${lead}`,
      ].join("\n");
    case "update": {
      const taken = actionsTaken(events);
      return [
        `📊 UPDATE: ${incident.title}`,
        `Status: ${statusLabels[incident.status]}`,
        `Actions Taken: ${taken.length ? taken.slice(-5).join("; ") : "none yet"}`,
        `Next Steps: `,
        `ETA: ${eta}`,
      ].join("\n");
    }
    case "resolution": {
      const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
      return [
        `✅ RESOLVED: ${incident.title}`,
        `Duration: ${formatDuration(end - Date.parse(incident.declaredAt), "minutes")}`,
        `Root Cause: ${incident.rootCause || "under investigation"}`,
        `Follow-up: ${postmortemUrl || "post-mortem to follow"}`,
      ].join("\n");
    }
  }
}
