import { runStatuses, runStatusLabels, type RunStatus } from "@/lib/actions/run";

/** The runs page's status filter, as its URL says it: open (waiting or running, the default), all, or one status. */
export type RunStatusFilter = "open" | "all" | RunStatus;

export const runStatusFilters: { value: RunStatusFilter; label: string }[] = [
  { value: "open", label: "Open (waiting or running)" },
  { value: "all", label: "All" },
  ...runStatuses.map((s) => ({ value: s, label: runStatusLabels[s] })),
];

export function parseRunStatusFilter(raw: string | string[] | undefined): RunStatusFilter {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return runStatusFilters.some((f) => f.value === v) ? (v as RunStatusFilter) : "open";
}

/** What actionsQuery and GET /api/v1/actions take for it: "all" is no status at all. */
export const runsQueryFilter = (status: RunStatusFilter): { status?: string } => (status === "all" ? {} : { status });
