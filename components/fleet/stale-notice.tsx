import type { RegionView } from "@/lib/fleet-view";
import { formatSeconds } from "@/lib/units";
import { Timestamp } from "./timestamp";

/** Says plainly that nothing current is known of a stale region, since when, and what it was last. */
export function StaleNotice({ region }: { region: RegionView }) {
  if (region.status !== "stale" || !region.checkedAt) return null;
  return (
    <p
      data-testid="stale-notice"
      role="status"
      className="rounded-lg border border-dashed border-slate-400 bg-slate-50 px-3 py-2 text-sm text-slate-800 dark:border-slate-600 dark:bg-slate-950/50 dark:text-slate-200"
    >
      <strong>
        Stale since <Timestamp iso={region.checkedAt} show="full" />
      </strong>
      : no sample for {formatSeconds(region.ageSeconds ?? 0)}
      {region.lastStatus ? `, last known ${region.lastStatus}` : ""}. The collector may be stalled, its console frozen,
      or the store unreachable; its alerts cannot be evaluated.
    </p>
  );
}
