/** Formatting shared by pages: times always carry their zone. */

import { pad } from "./units";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"] as const;

/** "GMT+1", "GMT+5:30", "GMT-3:30" for an offset east of UTC in minutes; "UTC" for none. */
function offsetName(minutesEast: number): string {
  if (minutesEast === 0) return "UTC";
  const abs = Math.abs(minutesEast);
  return `GMT${minutesEast < 0 ? "-" : "+"}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ""}`;
}

/** The runtime's own zone now, named as timestamps name it: "GMT+1", "UTC". */
export const ownZoneName = (): string => offsetName(-new Date().getTimezoneOffset());

/** The parts a timestamp shows, as Intl names them ("25 Nov 2026, 12:00:00"). */
export const TIMESTAMP_PARTS = {
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
} as const;

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "25 Nov 2026, 12:00:00 CET" as en-GB writes it, in the given IANA time zone; in UTC ("… UTC") or, with no zone, in
 * the runtime's own named by its offset ("… GMT+1"), as en-GB names a zone it has no abbreviation for. Those two
 * are written out from the Date itself: a browser's first Intl formatter loads its locale data, one task of 35–88 ms
 * on these machines in the middle of a page's first load, and every console page shows timestamps.
 */
export function formatTimestamp(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (timeZone === undefined || timeZone === "UTC") {
    const utc = timeZone === "UTC";
    const at = utc ? date : new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
    return (
      `${pad(at.getUTCDate())} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ` +
      `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ` +
      (utc ? "UTC" : offsetName(-date.getTimezoneOffset()))
    );
  }
  // Building a DateTimeFormat costs far more than using one.
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { ...TIMESTAMP_PARTS, timeZone, timeZoneName: "short" });
    zoneFormats.set(timeZone, format);
  }
  return format.format(date);
}

/** "25 Nov 2026" of a `YYYY-MM-DD` day. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return `${date} ${MONTHS[month! - 1]} ${year}`;
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
