/** Formatting shared by pages: times always carry their zone. */

const timestampFormats = new Map<string | undefined, Intl.DateTimeFormat>();

/** "25 Nov 2026, 12:00:00 CET": in the given time zone, the runtime's own by default. */
export function formatTimestamp(iso: string, timeZone?: string): string {
  // Building a DateTimeFormat costs far more than using one, and pages format every timestamp each second.
  let format = timestampFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      year: "numeric",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZone,
      timeZoneName: "short",
    });
    timestampFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
