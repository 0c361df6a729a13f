"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import { btnPrimary, input, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import { FAILOVER_TEST_DEFAULTS, MONITOR_MINUTES } from "@/lib/failover-test";
import type { ScheduleFailoverTestAction } from "./action-types";

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";

type Field = "candidate" | "startsAt" | "timeZone" | "minutes" | "remindMinutes";

/**
 * The form a lead schedules the monthly failover test with: the replica to promote, the window's start in a chosen
 * time zone, its length and how long before it the incident channel is reminded. The server's words for a problem
 * show beside the field; a refused form keeps what was typed.
 */
export function FailoverTestForm({
  replicas,
  primary,
  zones,
  schedule,
}: {
  replicas: string[];
  primary: string;
  zones: string[];
  schedule: ScheduleFailoverTestAction;
}) {
  const [state, dispatch, pending] = useActionState<ActionResult<{ id: number }> | null, FormData>(schedule, null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const id = (name: string) => `failover-test-${name}`;
  const fieldError = (name: Field) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const errorLine = (name: Field) =>
    fieldError(name) && (
      <span id={id(`${name}-error`)} className="block text-xs text-red-700 dark:text-red-300">
        {fieldError(name)}
      </span>
    );
  const field = (name: Field) => ({
    id: id(name),
    name,
    className: input,
    "aria-invalid": !!fieldError(name),
    "aria-describedby": fieldError(name) ? id(`${name}-error`) : undefined,
  });

  return (
    <form
      ref={formRef}
      noValidate
      aria-label="Schedule the failover test"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        startTransition(() => dispatch(form));
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor={id("candidate")} className={small}>
            Replica to promote
          </label>
          <select {...field("candidate")} defaultValue={replicas[0]}>
            {replicas.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          {errorLine("candidate")}
        </div>
        <div>
          <label htmlFor={id("startsAt")} className={small}>
            Starts
          </label>
          <input {...field("startsAt")} type="datetime-local" required />
          {errorLine("startsAt")}
        </div>
        <div>
          <label htmlFor={id("timeZone")} className={small}>
            Time zone
          </label>
          <select {...field("timeZone")} defaultValue="UTC">
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          {errorLine("timeZone")}
        </div>
        <div>
          <label htmlFor={id("minutes")} className={small}>
            Window (minutes)
          </label>
          <input
            {...field("minutes")}
            type="number"
            inputMode="numeric"
            min={45}
            max={480}
            defaultValue={FAILOVER_TEST_DEFAULTS.minutes}
          />
          {errorLine("minutes")}
        </div>
        <div>
          <label htmlFor={id("remindMinutes")} className={small}>
            Reminder (minutes before)
          </label>
          <input
            {...field("remindMinutes")}
            type="number"
            inputMode="numeric"
            min={0}
            defaultValue={FAILOVER_TEST_DEFAULTS.remindMinutes}
          />
          {errorLine("remindMinutes")}
        </div>
      </div>
      <p className={`text-xs ${muted}`}>
        Announced as a public maintenance window over the database and the region APIs. In the window, request{" "}
        <span className="font-mono">db.switchover</span> to the replica; Switchyard records its write gap, watches the
        fleet for {MONITOR_MINUTES} minutes, then records the failback to {primary || "the primary"}.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || !replicas.length} className={btnPrimary}>
          {pending ? "Scheduling…" : "Schedule the failover test"}
        </button>
        <span
          role="status"
          data-testid="failover-test-result"
          className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {state ? (state.ok ? "Failover test scheduled." : state.message) : ""}
        </span>
      </div>
    </form>
  );
}
