/**
 * On-call rotation arithmetic, with no I/O: who is on call at an instant and who is next, from a rotation (ordered
 * members handing off at a local wall-clock time, daily or weekly, in an IANA time zone) and layered overrides.
 *
 * Hand-offs happen at the local wall-clock time, so a shift that spans a daylight-saving change is 23 or 25 hours
 * long. A hand-off time that does not exist on the spring-forward day (02:30 in New York) moves to the first valid
 * instant after it (the moment the clocks jump, 03:00 local); one that exists twice on the fall-back day is the
 * first of the two. Zone offsets come from `Intl.DateTimeFormat`, so the runtime's time zone data decides them.
 */

export const rotationKinds = ["daily", "weekly"] as const;
export type RotationKind = (typeof rotationKinds)[number];

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay` counts. */
export const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

export interface Rotation {
  /** Member ids in rotation order; the first takes the first shift. */
  members: string[];
  kind: RotationKind;
  /** Local wall-clock time of the hand-off, "HH:MM" (24 h). */
  handoffTime: string;
  /** Weekly rotations: the local day of the hand-off (0 = Sunday). Ignored for daily ones. */
  handoffDay: number;
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Local date "YYYY-MM-DD": the first shift starts at the first hand-off on or after it. */
  startDate: string;
}

export interface Override {
  id: number;
  memberId: string;
  start: Date;
  end: Date;
  /** Where overrides overlap, the latest created wins (ties: the higher id). */
  createdAt: Date;
}

/** A stretch of time with one person on call (or nobody: `memberId` null). `end` null: open-ended. */
export interface Shift {
  start: Date;
  end: Date | null;
  memberId: string | null;
  /** The override that puts this person on call; null when the rotation does. */
  overrideId: number | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Time zones

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    offsetFormats.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    offsetFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall-clock fields of an instant in a zone. */
export function localParts(
  ms: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const p: Record<string, string> = {};
  for (const part of offsetFormat(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const year = p.era === "BC" || p.era === "B" ? 1 - Number(p.year) : Number(p.year);
  return {
    year,
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

/** The zone's offset from UTC at an instant, in ms (New York in winter: -5 h). */
export function zoneOffset(ms: number, timeZone: string): number {
  const l = localParts(ms, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time in a zone. A time that exists twice (fall back) is the first; a time that
 * does not exist (spring forward) is the first valid instant after it, the moment the clocks jump.
 */
export function zonedTimeToInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const before = zoneOffset(wall - DAY, timeZone);
  const after = zoneOffset(wall + DAY, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  for (const c of candidates) if (c + zoneOffset(c, timeZone) === wall) return c;
  // A gap: the clocks jump from before `wall` to after it. Find the jump between the two candidates.
  let lo = Math.min(wall - after, wall - before);
  let hi = Math.max(wall - after, wall - before);
  const offLo = zoneOffset(lo, timeZone);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (zoneOffset(mid, timeZone) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------------------------
// Civil dates as day numbers (days since 1970-01-01)

const dayNumber = (year: number, month: number, day: number) => Math.floor(Date.UTC(year, month - 1, day) / DAY);

function fromDayNumber(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday for a day number (1970-01-01 was a Thursday). */
const weekdayOf = (n: number) => (((n + 4) % 7) + 7) % 7;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "YYYY-MM-DD" that is a real date. */
export function isValidLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const { year, month, day } = fromDayNumber(dayNumber(Number(m[1]), Number(m[2]), Number(m[3])));
  return year === Number(m[1]) && month === Number(m[2]) && day === Number(m[3]);
}

/** "HH:MM", 00:00 to 23:59. */
export const isValidHandoffTime = (s: string) => TIME_RE.test(s);

/** "YYYY-MM-DDTHH:MM" (what a datetime-local field posts) in a zone, as an instant; null when malformed. */
export function localDateTimeToInstant(value: string, timeZone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(value);
  if (!m || !isValidLocalDate(m[1]!) || !isValidHandoffTime(m[2]!)) return null;
  const [y, mo, d] = m[1]!.split("-").map(Number) as [number, number, number];
  const [h, mi] = m[2]!.split(":").map(Number) as [number, number];
  return new Date(zonedTimeToInstant({ year: y, month: mo, day: d, hour: h, minute: mi }, timeZone));
}

/** An instant as a datetime-local field's value in a zone ("2026-03-08T02:00"). */
export function instantToLocalDateTime(at: Date, timeZone: string): string {
  const l = localParts(at.getTime(), timeZone);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${String(l.year).padStart(4, "0")}-${p2(l.month)}-${p2(l.day)}T${p2(l.hour)}:${p2(l.minute)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The rotation

/** Why a rotation cannot be computed, in words; null when it can. */
export function rotationProblem(r: Rotation): string | null {
  if (!isValidTimeZone(r.timeZone)) return `"${r.timeZone}" is not a time zone.`;
  if (!isValidHandoffTime(r.handoffTime)) return "The hand-off time must be HH:MM.";
  if (!isValidLocalDate(r.startDate)) return "The start date must be a date (YYYY-MM-DD).";
  if (!Number.isInteger(r.handoffDay) || r.handoffDay < 0 || r.handoffDay > 6)
    return "The hand-off day must be a day of the week.";
  return null;
}

/** The local day number of the first hand-off, and days between hand-offs. */
function cadence(r: Rotation): { first: number; step: number; hour: number; minute: number } {
  const [y, mo, d] = r.startDate.split("-").map(Number) as [number, number, number];
  const [hour, minute] = r.handoffTime.split(":").map(Number) as [number, number];
  const start = dayNumber(y, mo, d);
  if (r.kind === "daily") return { first: start, step: 1, hour, minute };
  return { first: start + ((r.handoffDay - weekdayOf(start) + 7) % 7), step: 7, hour, minute };
}

/** The instant of hand-off number `k` (0: the first shift's start). */
function handoffAt(r: Rotation, c: ReturnType<typeof cadence>, k: number): number {
  const date = fromDayNumber(c.first + k * c.step);
  return zonedTimeToInstant({ ...date, hour: c.hour, minute: c.minute }, r.timeZone);
}

/** The number of the shift running at `ms` (-1 before the first hand-off). */
function shiftIndex(r: Rotation, c: ReturnType<typeof cadence>, ms: number): number {
  const l = localParts(ms, r.timeZone);
  let k = Math.floor((dayNumber(l.year, l.month, l.day) - c.first) / c.step);
  if (k < 0) k = 0;
  while (k >= 0 && handoffAt(r, c, k) > ms) k--;
  while (handoffAt(r, c, k + 1) <= ms) k++;
  return k;
}

/** The rotation's own shift at an instant (overrides aside); nobody before the first hand-off or without members. */
export function rotationShiftAt(r: Rotation, at: Date): Shift {
  const ms = at.getTime();
  const c = cadence(r);
  const k = shiftIndex(r, c, ms);
  if (k < 0) return { start: new Date(-8.64e15), end: new Date(handoffAt(r, c, 0)), memberId: null, overrideId: null };
  return {
    start: new Date(handoffAt(r, c, k)),
    end: new Date(handoffAt(r, c, k + 1)),
    memberId: r.members.length ? r.members[k % r.members.length]! : null,
    overrideId: null,
  };
}

/** Rotation hand-off instants in (from, to]. */
function handoffsBetween(r: Rotation, from: number, to: number): number[] {
  const c = cadence(r);
  const out: number[] = [];
  let k = shiftIndex(r, c, from) + 1;
  for (let at = handoffAt(r, c, k); at <= to; at = handoffAt(r, c, ++k)) out.push(at);
  return out;
}

/** The override in force at an instant: of those covering it, the latest created. */
export function overrideAt(overrides: readonly Override[], at: Date): Override | null {
  const ms = at.getTime();
  let best: Override | null = null;
  for (const o of overrides) {
    if (o.start.getTime() > ms || o.end.getTime() <= ms) continue;
    if (
      !best ||
      o.createdAt.getTime() > best.createdAt.getTime() ||
      (o.createdAt.getTime() === best.createdAt.getTime() && o.id > best.id)
    )
      best = o;
  }
  return best;
}

/** Who is on call at an instant (rotation and overrides), with the bounds of what put them there. */
export function onCallAt(rotation: Rotation | null, overrides: readonly Override[], at: Date): Shift {
  const base: Shift = rotation
    ? rotationShiftAt(rotation, at)
    : { start: new Date(-8.64e15), end: null, memberId: null, overrideId: null };
  const o = overrideAt(overrides, at);
  if (!o) {
    // The base shift ends early where an override begins.
    const cut = overrides
      .map((x) => x.start.getTime())
      .filter((s) => s > at.getTime() && (!base.end || s < base.end.getTime()));
    return cut.length ? { ...base, end: new Date(Math.min(...cut)) } : base;
  }
  return { start: o.start, end: o.end, memberId: o.memberId, overrideId: o.id };
}

/**
 * Who is on call from `from` to `to`: consecutive stretches, each with one person (or nobody), merged where the same
 * person carries on. The first stretch starts at `from`; the last ends at `to`.
 */
export function schedule(rotation: Rotation | null, overrides: readonly Override[], from: Date, to: Date): Shift[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (hi <= lo) return [];
  const bounds = new Set<number>([lo]);
  if (rotation) for (const h of handoffsBetween(rotation, lo, hi - 1)) bounds.add(h);
  for (const o of overrides) for (const t of [o.start.getTime(), o.end.getTime()]) if (t > lo && t < hi) bounds.add(t);
  const points = [...bounds].sort((a, b) => a - b);
  const out: Shift[] = [];
  points.forEach((start, i) => {
    const end = points[i + 1] ?? hi;
    const now = onCallAt(rotation, overrides, new Date(start));
    const prev = out.at(-1);
    if (prev && prev.memberId === now.memberId && prev.overrideId === now.overrideId) prev.end = new Date(end);
    else out.push({ start: new Date(start), end: new Date(end), memberId: now.memberId, overrideId: now.overrideId });
  });
  return out;
}

/**
 * Who is on call at `at` (since when, until when), and the next `count` hand-offs: each the moment a different
 * person, or nobody, takes over. Looks at most `horizonDays` ahead; an `end` of null means "beyond that".
 */
export function onCallNowAndNext(
  rotation: Rotation | null,
  overrides: readonly Override[],
  at: Date,
  count = 3,
  horizonDays = 60,
): { now: Shift; next: Shift[] } {
  const current = onCallAt(rotation, overrides, at);
  // Since when: the start of the stretch running at `at`, which may have begun where an override ended.
  const from = Math.max(current.start.getTime(), at.getTime() - 2 * horizonDays * DAY);
  const before = schedule(rotation, overrides, new Date(from), new Date(at.getTime() + 1));
  let i = before.length - 1;
  while (i > 0 && before[i - 1]!.memberId === current.memberId) i--;
  const since = before[i]?.start ?? at;
  const horizon = new Date(at.getTime() + horizonDays * DAY);
  const people: Shift[] = [];
  for (const s of schedule(rotation, overrides, at, horizon)) {
    const prev = people.at(-1);
    if (prev && prev.memberId === s.memberId) prev.end = s.end;
    else people.push({ ...s });
  }
  const last = people.at(-1);
  if (last && last.end?.getTime() === horizon.getTime()) last.end = null;
  const [first, ...rest] = people;
  return {
    now: { ...current, start: since, end: first?.end ?? null },
    next: rest.slice(0, count),
  };
}

const cachedFormat = (key: string, make: () => Intl.DateTimeFormat) => {
  let f = displayFormats.get(key);
  if (!f) displayFormats.set(key, (f = make()));
  return f;
};
const displayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's short name at an instant: "EDT", "CET"; the GMT offset ("GMT+5:30") where neither English locale has
 * a name for it. en-US names American zones, en-GB European ones.
 */
export function zoneAbbreviation(at: Date, timeZone: string): string {
  let fallback = "";
  for (const locale of ["en-US", "en-GB"]) {
    const f = cachedFormat(
      `tz ${locale} ${timeZone}`,
      () => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }),
    );
    const name = f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** An instant as a person reads it in a zone, the zone always named: "Fri 13 Mar 2026, 09:00 CET". */
export function formatInZone(at: Date, timeZone: string): string {
  const f = cachedFormat(
    `at ${timeZone}`,
    () =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone,
        weekday: "short",
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
  );
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${zoneAbbreviation(at, timeZone)}`;
}

/** A shift's length in words ("23 h", "7 d 1 h"), for the schedule's table. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(" ") || "0 min";
}
