const styles: Record<string, string> = {
  critical: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
  warning: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
};

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span
      data-severity={severity}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${styles[severity] ?? "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300"}`}
    >
      {severity}
    </span>
  );
}

export function StateBadge({ state }: { state: "firing" | "resolved" }) {
  return (
    <span
      data-testid="alert-state"
      data-state={state}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        state === "firing"
          ? "bg-red-600 text-white ring-red-700 dark:bg-red-700 dark:ring-red-500"
          : "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300"
      }`}
    >
      {state === "firing" && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-white" />}
      {state}
    </span>
  );
}
