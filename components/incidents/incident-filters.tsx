"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { IncidentFilter } from "@/lib/incident-view";
import { severities, severityLabels } from "@/lib/severity";
import { input, label } from "./styles";

/** Status, severity and scenario as URL search params, so a filtered list can be shared and reloaded. */
export function IncidentFilters({
  filter,
  scenarios,
}: {
  filter: IncidentFilter;
  scenarios: { id: string; title: string }[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const fromUrl = { status: filter.status, severity: filter.severity ?? "", scenario: filter.scenarioId ?? "" };
  const [values, setValues] = useState(fromUrl);
  const [seen, setSeen] = useState(JSON.stringify(fromUrl));
  // Back and forward change the URL under us: show what it says.
  if (seen !== JSON.stringify(fromUrl)) {
    setSeen(JSON.stringify(fromUrl));
    setValues(fromUrl);
  }

  function set(key: keyof typeof values, value: string) {
    const next = { ...values, [key]: value };
    setValues(next);
    const q = new URLSearchParams();
    if (next.status !== "open") q.set("status", next.status);
    if (next.severity) q.set("severity", next.severity);
    if (next.scenario) q.set("scenario", next.scenario);
    startTransition(() => router.replace(q.size ? `${pathname}?${q}` : pathname, { scroll: false }));
  }

  return (
    <form
      aria-label="Filter incidents"
      data-pending={pending || undefined}
      className="flex flex-wrap items-end gap-3"
      action={pathname}
    >
      <div>
        <label htmlFor="filter-status" className={label}>
          Status
        </label>
        <select
          id="filter-status"
          name="status"
          value={values.status}
          onChange={(e) => set("status", e.target.value)}
          className={`${input} w-auto`}
        >
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
          <option value="all">All</option>
        </select>
      </div>
      <div>
        <label htmlFor="filter-severity" className={label}>
          Severity
        </label>
        <select
          id="filter-severity"
          name="severity"
          value={values.severity}
          onChange={(e) => set("severity", e.target.value)}
          className={`${input} w-auto`}
        >
          <option value="">Any</option>
          {severities.map((s) => (
            <option key={s} value={s}>
              {severityLabels[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="min-w-0">
        <label htmlFor="filter-scenario" className={label}>
          Scenario
        </label>
        <select
          id="filter-scenario"
          name="scenario"
          value={values.scenario}
          onChange={(e) => set("scenario", e.target.value)}
          className={`${input} w-auto max-w-full`}
        >
          <option value="">Any</option>
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
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
