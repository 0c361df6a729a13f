import { csvTable } from "./csv";
import type { TimelineEvent } from "./incident";

/** The timeline as CSV (one row per event, times in UTC ISO 8601) for spreadsheets and reports. */
export function timelineCsv(events: TimelineEvent[]): string {
  return csvTable(
    ["time_utc", "actor", "kind", "message"],
    events.map((e) => [e.at, e.actor, e.kind, e.message]),
  );
}
