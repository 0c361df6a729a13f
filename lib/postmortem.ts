import { drillRef } from "./drills";
import { incidentRef } from "./ids";
import type { Incident, TimelineEvent } from "./incident";
import { severityLabels } from "./severity";
import { formatDuration } from "./units";

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const since = (incident: Incident, iso: string | null) =>
  iso ? formatDuration(Date.parse(iso) - Date.parse(incident.declaredAt), "minutes") : "—";
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Times to acknowledge, mitigate and resolve, in ms from the declaration (null while not reached). */
export function incidentTimes(i: Pick<Incident, "declaredAt" | "acknowledgedAt" | "mitigatedAt" | "resolvedAt">) {
  const d = Date.parse(i.declaredAt);
  const after = (iso: string | null) => (iso ? Date.parse(iso) - d : null);
  return { acknowledge: after(i.acknowledgedAt), mitigate: after(i.mitigatedAt), resolve: after(i.resolvedAt) };
}

/** A post-mortem draft in Markdown from everything the incident recorded; the lead completes and saves it. */
export function generatePostmortem(incident: Incident, events: TimelineEvent[]): string {
  const actions = events.filter((e) => e.kind === "action");
  const checked = events.filter((e) => e.kind === "step" && e.data.checked === true);
  const lines = [
    `# Post-mortem: ${incidentRef(incident.id)} ${incident.title}`,
    "",
    ...(incident.drillId !== null
      ? [`- **Drill:** an exercise, ${drillRef(incident.drillId)}; its score is on the drill's report`]
      : []),
    `- **Severity:** ${severityLabels[incident.severity]}`,
    `- **Scenario:** ${incident.scenarioTitle ?? "none"}`,
    `- **Incident lead:** ${incident.lead.name}`,
    `- **Regions:** ${incident.regions.length ? incident.regions.join(", ") : "—"}`,
    `- **Declared:** ${utc(incident.declaredAt)}`,
    `- **Resolved:** ${incident.resolvedAt ? utc(incident.resolvedAt) : "not yet"}`,
    "",
    "## Summary",
    "",
    `${incident.title}.${incident.impact ? ` ${incident.impact}` : ""}`,
    "",
    "## Impact",
    "",
    incident.impact || "_To be written._",
    "",
    "## Key times",
    "",
    "| Measure | Time from declaration |",
    "| --- | --- |",
    `| Time to acknowledge | ${since(incident, incident.acknowledgedAt)} |`,
    `| Time to mitigate | ${since(incident, incident.mitigatedAt)} |`,
    `| Time to resolve | ${since(incident, incident.resolvedAt)} |`,
    "",
    "## Timeline",
    "",
    "| Time | Who | What |",
    "| --- | --- | --- |",
    ...events.map((e) => `| ${utc(e.at)} | ${cell(e.actor)} | ${cell(e.message)} |`),
    "",
    "## Actions and their outcomes",
    "",
    ...(actions.length || checked.length
      ? [...actions, ...checked].sort((a, b) => a.at.localeCompare(b.at)).map((e) => `- ${utc(e.at)}: ${e.message}`)
      : ["_No actions were recorded._"]),
    "",
    "## Root cause",
    "",
    incident.rootCause || "_To be written._",
    "",
    "## Action items",
    "",
    "- [ ] _Add the follow-up work, each with an owner and a due date._",
    "",
  ];
  return lines.join("\n");
}
