import type { ComponentState } from "@/lib/status-page";

/** A state's colours: the badge (text on a tint, readable light and dark) and the bar or dot. Always with words. */
export const stateBadge: Record<ComponentState, string> = {
  operational: "bg-emerald-100 text-emerald-900 ring-emerald-700/30 dark:bg-emerald-900/40 dark:text-emerald-100",
  under_maintenance: "bg-sky-100 text-sky-900 ring-sky-700/30 dark:bg-sky-900/40 dark:text-sky-100",
  degraded_performance: "bg-amber-100 text-amber-950 ring-amber-700/30 dark:bg-amber-900/40 dark:text-amber-100",
  partial_outage: "bg-orange-100 text-orange-950 ring-orange-700/30 dark:bg-orange-900/40 dark:text-orange-100",
  major_outage: "bg-red-100 text-red-900 ring-red-700/30 dark:bg-red-900/40 dark:text-red-100",
};

export const stateFill: Record<ComponentState, string> = {
  operational: "bg-emerald-500",
  under_maintenance: "bg-sky-500",
  degraded_performance: "bg-amber-400",
  partial_outage: "bg-orange-500",
  major_outage: "bg-red-600",
};

export const noDataFill = "bg-slate-300 dark:bg-slate-700";
