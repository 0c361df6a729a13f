"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import { btnPrimary, input, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import { maintenanceComponentLabels, maintenanceComponents } from "@/lib/maintenance";
import type { ScheduleMaintenanceAction } from "./action-types";

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";
const box = "h-4 w-4 rounded border-slate-400 text-sky-700 focus-visible:outline-2 focus-visible:outline-sky-500";

type Field = "title" | "reason" | "startsAt" | "endsAt" | "timeZone" | "regions" | "components";

/**
 * The form a lead schedules a window with: its title, start and end as the browser's date-and-time fields read in
 * the chosen time zone (UTC unless another is picked), the regions and components it covers (none ticked: all), why,
 * and whether the status page announces it. The browser's own checks are off: the server's words for a problem show
 * beside the field. Submitted by hand, not as the form's action, so that a refused form keeps what was typed.
 */
export function ScheduleMaintenanceForm({
  regions,
  zones,
  schedule,
}: {
  regions: { id: string; displayName: string }[];
  zones: string[];
  schedule: ScheduleMaintenanceAction;
}) {
  const [state, dispatch, pending] = useActionState<ActionResult<{ id: number }> | null, FormData>(schedule, null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const id = (name: string) => `maintenance-${name}`;
  const fieldError = (name: Field): string | undefined => {
    if (!state || state.ok || !state.fieldErrors) return undefined;
    const errors = state.fieldErrors;
    return errors[name] ?? Object.entries(errors).find(([k]) => k.startsWith(`${name}.`))?.[1];
  };
  const errorLine = (name: Field) =>
    fieldError(name) && (
      <span id={id(`${name}-error`)} className="block text-xs text-red-700 dark:text-red-300">
        {fieldError(name)}
      </span>
    );
  const described = (name: Field, hint?: boolean) =>
    [fieldError(name) ? id(`${name}-error`) : null, hint ? id(`${name}-hint`) : null].filter(Boolean).join(" ") ||
    undefined;

  return (
    <form
      ref={formRef}
      noValidate
      aria-label="Schedule maintenance"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        startTransition(() => dispatch(form));
      }}
    >
      <div>
        <label htmlFor={id("title")} className={small}>
          Title
        </label>
        <input
          id={id("title")}
          name="title"
          required
          maxLength={120}
          placeholder="e.g. Monthly failover test"
          className={input}
          aria-invalid={!!fieldError("title")}
          aria-describedby={described("title")}
        />
        {errorLine("title")}
      </div>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        {(["startsAt", "endsAt"] as const).map((name) => (
          <div key={name}>
            <label htmlFor={id(name)} className={small}>
              {name === "startsAt" ? "Starts" : "Ends"}
            </label>
            <input
              id={id(name)}
              name={name}
              type="datetime-local"
              required
              className={input}
              aria-invalid={!!fieldError(name)}
              aria-describedby={described(name, true)}
            />
            <span id={id(`${name}-hint`)} className="sr-only">
              In the time zone chosen beside it.
            </span>
            {errorLine(name)}
          </div>
        ))}
        <div>
          <label htmlFor={id("timeZone")} className={small}>
            Time zone
          </label>
          <select
            id={id("timeZone")}
            name="timeZone"
            defaultValue="UTC"
            className={input}
            aria-invalid={!!fieldError("timeZone")}
            aria-describedby={described("timeZone")}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          {errorLine("timeZone")}
        </div>
      </div>
      <p className={`text-xs ${muted}`}>At most 7 days long. A window in progress may start in the past.</p>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <fieldset aria-describedby={described("regions", true)}>
          <legend className={small}>Regions</legend>
          <p id={id("regions-hint")} className={`text-xs ${muted}`}>
            None ticked: every region.
          </p>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {regions.map((r) => (
              <label key={r.id} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" name="regions" value={r.id} className={box} />
                {r.id}
                {r.displayName !== r.id && <span className={`text-xs ${muted}`}>({r.displayName})</span>}
              </label>
            ))}
          </div>
          {errorLine("regions")}
        </fieldset>
        <fieldset aria-describedby={described("components", true)}>
          <legend className={small}>Components</legend>
          <p id={id("components-hint")} className={`text-xs ${muted}`}>
            None ticked: all of them.
          </p>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {maintenanceComponents.map((c) => (
              <label key={c} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" name="components" value={c} className={box} />
                {maintenanceComponentLabels[c]}
              </label>
            ))}
          </div>
          {errorLine("components")}
        </fieldset>
      </div>

      <div>
        <label htmlFor={id("reason")} className={small}>
          Reason (for the console only)
        </label>
        <textarea
          id={id("reason")}
          name="reason"
          rows={3}
          maxLength={2000}
          placeholder="e.g. The runbook's monthly failover test: promote the eu-west-1 replica, then fail back."
          className={input}
          aria-invalid={!!fieldError("reason")}
          aria-describedby={described("reason")}
        />
        {errorLine("reason")}
      </div>

      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="public" defaultChecked className={`${box} mt-0.5`} />
        <span>
          Announce on the public status page
          <span className={`block text-xs ${muted}`}>
            The public sees the title, the components and the times; never the reason or who scheduled it.
          </span>
        </span>
      </label>

      <p className={`text-xs ${muted}`}>
        While the window runs, a new alert group about only what it covers is marked expected: it pages nobody and
        proposes no triage incident.
      </p>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={btnPrimary}>
          {pending ? "Scheduling…" : "Schedule maintenance"}
        </button>
        <span
          role="status"
          data-testid="maintenance-result"
          className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {state ? (state.ok ? "Maintenance scheduled." : state.message) : ""}
        </span>
      </div>
    </form>
  );
}
