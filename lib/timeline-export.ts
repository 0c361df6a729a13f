import type { TimelineEvent } from "./incident";

/** The timeline as CSV (one row per event, times in UTC ISO 8601) for spreadsheets and reports. */
export function timelineCsv(events: TimelineEvent[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ["time_utc,actor,kind,message", ...events.map((e) => [e.at, q(e.actor), e.kind, q(e.message)].join(","))].join("\n") + "\n";
}
