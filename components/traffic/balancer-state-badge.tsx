import type { BalancerState } from "@/lib/traffic";

const styles: Record<BalancerState, { badge: string; dot: string }> = {
  up: {
    badge: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200",
    dot: "bg-emerald-500",
  },
  draining: {
    badge: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
    dot: "bg-amber-500",
  },
  maintenance: {
    badge: "bg-violet-100 text-violet-900 ring-violet-600/30 dark:bg-violet-900/40 dark:text-violet-200",
    dot: "bg-violet-500",
  },
  down: {
    badge: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
    dot: "bg-red-500",
  },
  unknown: {
    badge: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
    dot: "bg-slate-400",
  },
};

/** A region's state in the global load balancer: up, down, draining, maintenance (or unknown). */
export function BalancerStateBadge({ state, stale = false }: { state: BalancerState; stale?: boolean }) {
  const s = styles[stale ? "unknown" : state];
  return (
    <span
      data-testid="balancer-state"
      data-state={stale ? "stale" : state}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-sm font-medium whitespace-nowrap ring-1 ring-inset ${s.badge}`}
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${s.dot}`} />
      {stale ? `${state} (stale)` : state}
    </span>
  );
}
