import type { RegionView } from "@/lib/fleet-view";

type Key = NonNullable<RegionView["status"]> | "unknown";

const styles: Record<Key, string> = {
  healthy: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200",
  degraded: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  unhealthy: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
  stale: "bg-slate-100 text-slate-800 ring-slate-600/40 ring-dashed dark:bg-slate-800 dark:text-slate-200",
  unknown: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
};

const dots: Record<Key, string> = {
  healthy: "bg-emerald-500",
  degraded: "bg-amber-500",
  unhealthy: "bg-red-500",
  stale: "border border-slate-500 bg-transparent",
  unknown: "bg-slate-400",
};

/** A region's status; "stale" when nothing current is known of it (its newest sample is too old). */
export function StatusBadge({ status }: { status: RegionView["status"] }) {
  const key = status ?? "unknown";
  return (
    <span
      data-testid="region-status"
      data-status={key}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-sm font-medium ring-1 ring-inset ${styles[key]}`}
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${dots[key]}`} />
      {status ?? "not yet checked"}
    </span>
  );
}
