"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { input, label } from "@/components/incidents/styles";
import { runStatusFilters, type RunStatusFilter } from "@/components/actions/run-filter";

/** The status filter as a URL search param, so a filtered list can be shared and reloaded. */
export function RunFilters({ status }: { status: RunStatusFilter }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [value, setValue] = useState(status);
  const [seen, setSeen] = useState(status);
  // Back and forward change the URL under us: show what it says.
  if (seen !== status) {
    setSeen(status);
    setValue(status);
  }

  function choose(next: RunStatusFilter) {
    setValue(next);
    startTransition(() => router.replace(next === "open" ? pathname : `${pathname}?status=${next}`, { scroll: false }));
  }

  return (
    <form
      aria-label="Filter actions"
      data-pending={pending || undefined}
      className="flex flex-wrap items-end gap-3"
      action={pathname}
    >
      <div>
        <label htmlFor="filter-run-status" className={label}>
          Status
        </label>
        <select
          id="filter-run-status"
          name="status"
          value={value}
          onChange={(e) => choose(e.target.value as RunStatusFilter)}
          className={`${input} w-auto`}
        >
          {runStatusFilters.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <noscript>
        <button type="submit">Apply</button>
      </noscript>
      {pending && <span className="pb-2 text-sm text-slate-500 dark:text-slate-400">Loading…</span>}
    </form>
  );
}
