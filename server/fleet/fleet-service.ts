import "server-only";
import type { ChartRange, RegionSample } from "@/lib/fleet-sample";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { snapshotAt } from "@/lib/freshness";
import type { Caller } from "@/server/auth/caller";
import { env } from "@/server/env";
import { announceHere, subscribe } from "@/server/events/bus";
import { readPerChange } from "@/server/events/read-per-change";
import { getFleetConfig } from "./config";
import { judgedRow, readFleetSnapshot, readHistory, regionViews, type History, type StatusRow } from "./sample-store";

type Held = {
  /** the fleet as this console last read or wrote it */
  last?: FleetSnapshot;
  /** statuses this console's collector judged and has not yet stored, by region (showJudged) */
  judged: Map<string, StatusRow>;
};
const holder = globalThis as unknown as { __switchyardFleetShown?: Held };
const held = (): Held => (holder.__switchyardFleetShown ??= { judged: new Map() });

/**
 * The fleet as the store has it, read once per change (readPerChange): a fleet event from another console (through
 * the store) or an alerts event drops the read; the rows this console's own collector writes it takes as they are
 * written (publishStoredStatuses).
 */
const storedFleet = readPerChange("fleet-snapshot", ["fleet", "alerts"], () =>
  readFleetSnapshot(getFleetConfig()).then((s) => (held().last = s)),
);

/** The fleet now: every region's status and latest sample, and the alerts firing. Any signed-in role or token reads it. */
export async function getFleetSnapshot(_caller: Caller): Promise<FleetSnapshot> {
  return cachedFleetSnapshot();
}

/** The snapshot for /metrics and /api/health, which have their own access rules; aged to the moment it is given. */
export async function cachedFleetSnapshot(): Promise<FleetSnapshot> {
  return snapshotAt(withJudged(await storedFleet()), Date.now());
}

/** A snapshot with the statuses judged since its rows were written. */
function withJudged(s: FleetSnapshot): FleetSnapshot {
  const judged = [...held().judged.values()].filter((row) => {
    const shown = s.regions.find((r) => r.id === row.region_id)?.checkedAt;
    return !shown || Date.parse(shown) < row.checked_at.getTime();
  });
  return judged.length ? { ...s, regions: regionViews(getFleetConfig(), judged, s.regions) } : s;
}

/**
 * The leader's collector judged a region's status anew: this console's pages and /metrics show it now, before the
 * store has it. The write follows at once (publishStoredStatuses) and tells the other consoles; meanwhile the
 * embedded store's queue on this event loop, or a store that cannot be reached, holds nobody here back.
 */
export function showJudged(sample: RegionSample): void {
  const h = held();
  const previous = h.last && withJudged(h.last).regions.find((r) => r.id === sample.regionId);
  h.judged.set(sample.regionId, judgedRow(sample, previous));
  storedFleet.take(null, () => announceHere("fleet"));
}

/**
 * The collector stored these rows (a write returns them as a read would): the cached read takes them, so the store
 * is not read again for them, and this console's pages are told (the write itself told the other consoles).
 */
export function publishStoredStatuses(rows: StatusRow[]): void {
  const h = held();
  for (const row of rows) {
    const judged = h.judged.get(row.region_id);
    if (judged && judged.checked_at <= row.checked_at) h.judged.delete(row.region_id);
  }
  const fleet = getFleetConfig();
  storedFleet.take(
    (s) => (h.last = { ...s, regions: regionViews(fleet, rows, s.regions) }),
    () => announceHere("fleet"),
  );
}

/**
 * The fleet as this console last read it from the store, aged to now (so its regions say "stale since …" once their
 * samples are too old), or null if it never read it: what a page may still show while the store cannot be reached.
 */
export function lastKnownFleetSnapshot(): FleetSnapshot | null {
  const last = holder.__switchyardFleetShown?.last;
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
