import type { FleetSnapshot, RegionView } from "./fleet-view";

/**
 * Nothing stale is shown as current. A region whose newest sample is older than three poll intervals (the
 * collector stalled, its leader is frozen, the store cannot be reached) shows "stale" instead of a status,
 * and the alert rules on it cannot be evaluated. At least 2 s: with very short intervals a busy machine's
 * probe, write and read alone can take more than three of them.
 */
export const staleAfterMs = (pollIntervalMs: number) => Math.max(3 * pollIntervalMs, 2000);

/** Age in seconds (one decimal) of a moment at `nowMs`; never negative (clocks of two hosts differ a little). */
export const ageSeconds = (iso: string, nowMs: number) => Math.max(0, Math.round((nowMs - Date.parse(iso)) / 100) / 10);

/** One region's status at `nowMs`: its last sampled status while fresh, "stale" (since its `checkedAt`) once its newest sample is too old. */
export function regionAt(r: RegionView, nowMs: number, staleAfterSeconds: number): RegionView {
  const age = r.checkedAt ? ageSeconds(r.checkedAt, nowMs) : null;
  const stale = age !== null && age > staleAfterSeconds;
  return { ...r, ageSeconds: age, status: stale ? "stale" : r.lastStatus };
}

/**
 * The snapshot as of `nowMs`: every region carries the age of its newest sample, stale regions say so, and
 * each alert on a stale region says it cannot be evaluated. Pure and idempotent: the server applies it when
 * it answers, a page again as its clock moves, so a frozen stream never leaves a healthy region on screen.
 */
export function snapshotAt(s: FleetSnapshot, nowMs: number): FleetSnapshot {
  const regions = s.regions.map((r) => regionAt(r, nowMs, s.staleAfterSeconds));
  const stale = new Set(regions.filter((r) => r.status === "stale").map((r) => r.id));
  // An alert about one region (`region`) or several (`regions`, e.g. two primaries) cannot be judged while any of them is stale.
  const about = (labels: Record<string, string>) =>
    [labels.region, ...(labels.regions?.split(",") ?? [])].filter((r): r is string => !!r);
  const alerts = s.alerts.map((a) => ({ ...a, unevaluated: about(a.labels).some((r) => stale.has(r)) }));
  return { ...s, generatedAt: new Date(nowMs).toISOString(), regions, alerts };
}

/** The stale regions of a snapshot, and the oldest newest-sample age among all regions (for /api/health). */
export function freshnessSummary(s: FleetSnapshot): { staleRegions: string[]; sampleAgeSeconds: number | null } {
  const ages = s.regions.map((r) => r.ageSeconds).filter((a): a is number => a !== null);
  return {
    staleRegions: s.regions.filter((r) => r.status === "stale").map((r) => r.id),
    sampleAgeSeconds: ages.length ? Math.max(...ages) : null,
  };
}
