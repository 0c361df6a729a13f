"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useState } from "react";
import { btnPrimary, input, link, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import { FAILOVER_TEST, drillFaultLabels, drillFaults, drillPlans, drillRef, type DrillFault } from "@/lib/drills";
import { severities, severityLabels, type Severity } from "@/lib/severity";
import type { StartDrillAction } from "./action-types";

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";
const box = "h-4 w-4 rounded border-slate-400 text-sky-700 focus-visible:outline-2 focus-visible:outline-sky-500";

export type DrillScenarioOption = { id: string; title: string; defaultSeverity: Severity | null };
export type DrillRegionOption = { id: string; displayName: string; role: "primary" | "replica"; canInject: boolean };
export type DrillPerson = { id: string; name: string; email: string };

type Field = "scenarioId" | "severity" | "region" | "fault" | "participants";

/** The region a scenario's drill goes to by default: the primary now, or the first replica (the failover test). */
function defaultRegion(scenarioId: string, regions: DrillRegionOption[]): string {
  const want = drillPlans[scenarioId]?.defaultRegion ?? "primary";
  return (regions.find((r) => r.role === want) ?? regions[0])?.id ?? "";
}

/**
 * The form a lead starts a drill with: the scenario (or the monthly failover test), its severity (the scenario's own
 * by default), the region, the fault Switchyard injects there when the fleet file lets it (the lab), and who takes
 * part (they alone are paged by the drill's incident). Native controls only, in reading order, so it is filled in
 * with the keyboard; the server's words for a problem show beside the field.
 */
export function StartDrillForm({
  scenarios,
  regions,
  people,
  me,
  start,
  running,
}: {
  scenarios: DrillScenarioOption[];
  regions: DrillRegionOption[];
  people: DrillPerson[];
  me: string;
  start: StartDrillAction;
  /** the drill running now: one at a time */
  running: number | null;
}) {
  const router = useRouter();
  const [state, dispatch, pending] = useActionState<ActionResult<{ id: number }> | null, FormData>(start, null);
  const first = scenarios[0]?.id ?? "";
  const [scenarioId, setScenarioId] = useState(first);
  const [severity, setSeverity] = useState<Severity>(scenarios[0]?.defaultSeverity ?? "P2");
  const [region, setRegion] = useState(() => defaultRegion(first, regions));
  const [fault, setFault] = useState<DrillFault | "">(drillPlans[first]?.defaultFault ?? "");
  useEffect(() => {
    if (state?.ok) router.push(`/drills/${state.data.id}`);
    // A fault that could not be injected cancels the drill it recorded: show it in the list.
    else if (state) router.refresh();
  }, [state, router]);

  const canInject = regions.find((r) => r.id === region)?.canInject ?? false;
  const failoverTest = scenarioId === FAILOVER_TEST;
  const faultShown = canInject && !failoverTest ? fault : "";

  const id = (name: string) => `drill-${name}`;
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

  const pickScenario = (next: string) => {
    setScenarioId(next);
    const s = scenarios.find((x) => x.id === next);
    if (s?.defaultSeverity) setSeverity(s.defaultSeverity);
    setRegion(defaultRegion(next, regions));
    setFault(drillPlans[next]?.defaultFault ?? "");
  };

  if (running !== null)
    return (
      <p className={`text-sm ${muted}`}>
        {state?.ok && state.data.id === running ? (
          "Drill started: opening its page…"
        ) : (
          <>
            One drill at a time: end{" "}
            <Link href={`/drills/${running}`} className={link}>
              {drillRef(running)}
            </Link>{" "}
            before starting another.
          </>
        )}
      </p>
    );

  return (
    <form
      noValidate
      aria-label="Start a drill"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        startTransition(() => dispatch(form));
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={id("scenarioId")} className={small}>
            Scenario
          </label>
          <select
            id={id("scenarioId")}
            name="scenarioId"
            value={scenarioId}
            onChange={(e) => pickScenario(e.target.value)}
            className={input}
            aria-invalid={!!fieldError("scenarioId")}
            aria-describedby={described("scenarioId")}
          >
            {scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
          {errorLine("scenarioId")}
        </div>
        <div>
          <label htmlFor={id("severity")} className={small}>
            Severity (the targets it is scored against)
          </label>
          <select
            id={id("severity")}
            name="severity"
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity)}
            className={input}
            aria-invalid={!!fieldError("severity")}
            aria-describedby={described("severity")}
          >
            {severities.map((s) => (
              <option key={s} value={s}>
                {severityLabels[s]}
              </option>
            ))}
          </select>
          {errorLine("severity")}
        </div>
        <div>
          <label htmlFor={id("region")} className={small}>
            Region
          </label>
          <select
            id={id("region")}
            name="region"
            value={region}
            onChange={(e) => setRegion(e.target.value)}
            className={input}
            aria-invalid={!!fieldError("region")}
            aria-describedby={described("region")}
          >
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} ({r.role === "primary" ? "primary" : "replica"})
              </option>
            ))}
          </select>
          {errorLine("region")}
        </div>
        <div>
          <label htmlFor={id("fault")} className={small}>
            Fault
          </label>
          <select
            id={id("fault")}
            name="fault"
            value={faultShown}
            onChange={(e) => setFault(e.target.value as DrillFault | "")}
            disabled={!canInject || failoverTest}
            className={input}
            aria-invalid={!!fieldError("fault")}
            aria-describedby={described("fault", true)}
          >
            <option value="">None: people cause it</option>
            {canInject &&
              !failoverTest &&
              drillFaults.map((f) => (
                <option key={f} value={f}>
                  {drillFaultLabels[f]}
                </option>
              ))}
          </select>
          <span id={id("fault-hint")} className={`block text-xs ${muted}`}>
            {failoverTest
              ? "No fault: the switchover is the exercise."
              : canInject
                ? "Switchyard injects it as the drill starts and clears it when the drill ends."
                : `The fleet file has no fault hooks for ${region || "this region"}: start the drill, then cause the fault by hand.`}
          </span>
          {errorLine("fault")}
        </div>
      </div>

      <fieldset aria-describedby={described("participants", true)}>
        <legend className={small}>Participants</legend>
        <p id={id("participants-hint")} className={`text-xs ${muted}`}>
          The drill&apos;s incident pages them, and nobody else: not the on-call chain, not the team&apos;s pager.
        </p>
        <div className="mt-1 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
          {people.map((p) => (
            <label key={p.id} className="flex min-w-0 items-center gap-1.5 text-sm">
              <input type="checkbox" name="participants" value={p.id} defaultChecked={p.id === me} className={box} />
              <span className="truncate">{p.name}</span>
              <span className={`truncate text-xs ${muted}`}>{p.email}</span>
            </label>
          ))}
        </div>
        {errorLine("participants")}
      </fieldset>

      <p className={`text-xs ${muted}`}>
        While the drill runs, the alerts it causes are expected (a maintenance window of its own, not public) and page
        nobody. Declare its incident from the drill&apos;s page: the response is scored from then on against the
        severity&apos;s phase targets.
      </p>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={btnPrimary}>
          {pending ? (faultShown ? "Injecting the fault…" : "Starting…") : "Start drill"}
        </button>
        <span
          role="status"
          data-testid="drill-start-result"
          className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {state ? (state.ok ? "Drill started." : state.message) : ""}
        </span>
      </div>
    </form>
  );
}
