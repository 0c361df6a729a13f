/** Figures as pages show them: bytes, rates, money, percentages and durations, with their units. */

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB", "PB"] as const;

/** 1234567 → "1.2 MB" (decimal units, as bandwidth is billed). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  const sign = bytes < 0 ? "-" : "";
  let n = Math.abs(bytes);
  let i = 0;
  while (n >= 1000 && i < BYTE_UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  const digits = i === 0 || n >= 100 ? 0 : n >= 10 ? 1 : 2;
  return `${sign}${n.toFixed(digits)} ${BYTE_UNITS[i]}`;
}

export function formatBytesPerSecond(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * `abs` (≥ 0) to `digits` decimals, rounded as written (its shortest decimal form) and half up, as Intl rounds:
 * 9.995 → "10.00", where toFixed, rounding the binary value 9.99499…, gives "9.99"; digits grouped in threes as
 * en-US writes them, "1,234,567.50". Written out rather than asked of Intl.NumberFormat: a browser's first Intl
 * formatter loads its locale data, one long task on the way to a page's first paint (35–88 ms on these machines).
 */
function decimals(abs: number, digits: number): string {
  const shifted = Number(`${abs}e${digits}`); // NaN for a figure written in exponent form: left to toFixed
  const fixed = Number.isFinite(shifted) ? (Math.round(shifted) / 10 ** digits).toFixed(digits) : abs.toFixed(digits);
  const dot = fixed.indexOf(".");
  const whole = dot === -1 ? fixed : fixed.slice(0, dot);
  return whole.replace(/\B(?=(\d{3})+$)/g, ",") + (dot === -1 ? "" : fixed.slice(dot));
}

/** US dollars: cents for larger sums, up to four decimals for the small ones a fresh lab accrues. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return "—";
  const abs = Math.abs(usd);
  return `${usd < 0 ? "-" : ""}$${decimals(abs, abs === 0 || abs >= 1 ? 2 : 4)}`;
}

export function formatUsdPerHour(usdPerHour: number): string {
  return `${formatUsd(usdPerHour)}/h`;
}

/** 87.456 → "87.5 %". */
export function formatPercent(percent: number, digits = 1): string {
  if (!Number.isFinite(percent)) return "—";
  return `${percent.toFixed(digits)} %`;
}

/** A share from 0 to 1 as a percentage: 0.0123 → "1.2 %". */
export function formatRatio(ratio: number, digits = 1): string {
  return formatPercent(ratio * 100, digits);
}

/** A lag or latency in seconds: "0.4 s", "12 s", "3 min 4 s", "2 h 5 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return formatDuration(seconds * 1000);
}

/**
 * How a duration reads, always in its two largest units:
 * - "plain": "45 s", "3 min 4 s", "2 h 5 min", "3 d 4 h"
 * - "minutes", as the comms and the post-mortem speak: whole minutes, "0 min", "38 min", "2 h 5 min"
 * - "ticking", for a figure that ticks or lines up in a column: the smaller unit zero-padded and kept at zero,
 *   seconds only under ten minutes: "45 s", "4 min 05 s", "38 min", "2 h 00 min", "3 d 4 h"
 * - "countdown", a clock that can run past zero: "4:05", "-1:30"; from an hour on as "ticking", "1 h 05 min"
 */
export type DurationStyle = "plain" | "minutes" | "ticking" | "countdown";

/** Two digits, zero-padded: 4 → "04". */
export const pad = (n: number) => String(n).padStart(2, "0");

/** A duration in milliseconds as people read it (see DurationStyle); only a countdown goes below zero. */
export function formatDuration(ms: number, style: DurationStyle = "plain"): string {
  if (!Number.isFinite(ms)) return "—";
  if (style === "countdown") {
    const sign = ms < 0 ? "-" : "";
    const s = Math.floor(Math.abs(ms) / 1000);
    return s >= 3600 ? `${sign}${formatDuration(s * 1000, "ticking")}` : `${sign}${Math.floor(s / 60)}:${pad(s % 60)}`;
  }
  const s = style === "minutes" ? Math.max(0, Math.round(ms / 60_000)) * 60 : Math.max(0, Math.round(ms / 1000));
  const ticking = style === "ticking";
  if (s < 60) return style === "minutes" ? "0 min" : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60)
    return ticking ? (m < 10 ? `${m} min ${pad(s % 60)} s` : `${m} min`) : s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return ticking ? `${h} h ${pad(m % 60)} min` : m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return ticking || h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Requests per second and other plain rates: "1,234", "12.3", "0.42". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  // At most that many decimals, as few as the figure needs: 12.0 → "12", 0.40 → "0.4".
  const shortest = decimals(abs, abs >= 100 ? 0 : abs >= 10 ? 1 : 2)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
  return `${n < 0 ? "-" : ""}${shortest}`;
}
