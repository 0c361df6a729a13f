import "server-only";
import { performance } from "node:perf_hooks";
import type { ChartRange, RegionSample } from "@/lib/fleet-sample";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { snapshotAt } from "@/lib/freshness";
import type { Caller } from "@/server/auth/caller";
import { env } from "@/server/env";
import { announceHere, publish, subscribe } from "@/server/events/bus";
import { getFleetConfig } from "./config";
import { judgedRow, readFleetSnapshot, readHistory, regionViews, type History, type StatusRow } from "./sample-store";

/**
 * One read of the store per change, however many pages and streams ask for it: a fleet event from another console
 * (through the store) or an alerts event drops the cached read, and so does its age passing one poll interval;
 * the rows this console's own collector writes the cache takes as they are written. Each answer is aged to the
 * moment it is given.
 */
type Cache = {
  promise: Promise<FleetSnapshot> | null;
  readAt: number;
  subscribed: boolean;
  last?: FleetSnapshot;
  /** statuses this console's collector judged and has not yet stored, by region (showJudged) */
  judged: Map<string, StatusRow>;
  /** set while this console tells of rows the cache already took */
  taking?: boolean;
};
const holder = globalThis as unknown as { __switchyardSnapshot?: Cache };
const cache = (): Cache =>
  (holder.__switchyardSnapshot ??= { promise: null, readAt: 0, subscribed: false, judged: new Map() });

/** The fleet now: every region's status and latest sample, and the alerts firing. Any signed-in role or token reads it. */
export async function getFleetSnapshot(_caller: Caller): Promise<FleetSnapshot> {
  return cachedFleetSnapshot();
}

/**
 * The cache drops its read on the bus before any page or stream that listens there reads it: subscribed when this
 * module loads, ahead of every listener that imports it (one that came first would be handed the old read).
 */
function dropOnChange() {
  const c = cache();
  if (c.subscribed) return;
  c.subscribed = true;
  subscribe("fleet", () => {
    if (!c.taking) c.promise = null;
  });
  subscribe("alerts", () => (c.promise = null));
}
dropOnChange();

/** The snapshot for /metrics and /api/health, which have their own access rules. */
export async function cachedFleetSnapshot(): Promise<FleetSnapshot> {
  const c = cache();
  if (!c.promise || performance.now() - c.readAt >= env.POLL_INTERVAL) {
    c.readAt = performance.now();
    const read = readFleetSnapshot(getFleetConfig()).then(
      (s) => (c.last = s),
      (err) => {
        if (c.promise === read) c.promise = null;
        throw err;
      },
    );
    c.promise = read;
  }
  return snapshotAt(withJudged(await c.promise), Date.now());
}

/** A snapshot with the statuses judged since its rows were written. */
function withJudged(s: FleetSnapshot): FleetSnapshot {
  const judged = [...cache().judged.values()].filter((row) => {
    const shown = s.regions.find((r) => r.id === row.region_id)?.checkedAt;
    return !shown || Date.parse(shown) < row.checked_at.getTime();
  });
  return judged.length ? { ...s, regions: regionViews(getFleetConfig(), judged, s.regions) } : s;
}

/** Tells this console's listeners (with `send` = publish, the other consoles' too) without dropping the cache. */
function tell(send: (topic: "fleet") => void) {
  const c = cache();
  c.taking = true;
  try {
    send("fleet");
  } finally {
    c.taking = false;
  }
}

/**
 * The leader's collector judged a region's status anew: this console's pages and /metrics show it now, before the
 * store has it. The write follows at once (publishStoredStatuses) and tells the other consoles; meanwhile the
 * embedded store's queue on this event loop, or a store that cannot be reached, holds nobody here back.
 */
export function showJudged(sample: RegionSample): void {
  const c = cache();
  const previous = c.last && withJudged(c.last).regions.find((r) => r.id === sample.regionId);
  c.judged.set(sample.regionId, judgedRow(sample, previous));
  tell(announceHere);
}

/**
 * The collector stored these rows (a write returns them as a read would): the cached snapshot takes them, so it is
 * not read again for them, and every console is told.
 */
export function publishStoredStatuses(rows: StatusRow[]): void {
  const c = cache();
  for (const row of rows) {
    const judged = c.judged.get(row.region_id);
    if (judged && judged.checked_at <= row.checked_at) c.judged.delete(row.region_id);
  }
  if (c.promise && rows.length) {
    const fleet = getFleetConfig();
    const taken = c.promise.then((s) => (c.last = { ...s, regions: regionViews(fleet, rows, s.regions) }));
    taken.catch(() => {
      if (c.promise === taken) c.promise = null;
    });
    c.promise = taken;
    c.readAt = performance.now();
  }
  tell(publish);
}

/**
 * The fleet as this console last read it from the store, aged to now (so its regions say "stale since …" once their
 * samples are too old), or null if it never read it: what a page may still show while the store cannot be reached.
 */
export function lastKnownFleetSnapshot(): FleetSnapshot | null {
  const last = holder.__switchyardSnapshot?.last;
  return last ? snapshotAt(withJudged(last), Date.now()) : null;
}

/**
 * Every poll interval, looks at the fleet as the store has it: a region turning stale (or fresh again), or
 * samples that arrived without their event reaching this console, is announced to this console's pages.
 */
export function watchFreshness(): () => void {
  let last: { stale: string; newest: string } | null = null;
  let sawEvent = false;
  const unsubscribe = subscribe("fleet", () => (sawEvent = true));
  const timer = setInterval(() => {
    void cachedFleetSnapshot()
      .then((s) => {
        const now = {
          stale: s.regions
            .filter((r) => r.status === "stale")
            .map((r) => r.id)
            .join(),
          newest: s.regions.map((r) => r.checkedAt).join(),
        };
        const changed = last !== null && (now.stale !== last.stale || (!sawEvent && now.newest !== last.newest));
        last = now;
        sawEvent = false;
        if (changed) announceHere("fleet");
      })
      .catch(() => undefined);
  }, env.POLL_INTERVAL);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

export async function getHistory(_caller: Caller, range: ChartRange): Promise<History> {
  return readHistory(range);
}
