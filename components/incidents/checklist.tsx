"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState, type ReactNode } from "react";
import { StepAction } from "@/components/actions/request/step-action";
import { Timestamp } from "@/components/fleet/timestamp";
import type { ActionRun } from "@/lib/actions/run";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import type { StepState } from "@/lib/incident";
import { liveCheckLabel } from "@/lib/live-checks";
import type { PhaseClock } from "@/lib/phase-clocks";
import { actionsQuery } from "@/lib/queries";
import { incidentPhases, phaseLabels } from "@/lib/severity";
import type { IncidentActions } from "./action-types";
import { CopyButton } from "./copy-button";
import { StabilityTimer } from "./stability-timer";
import { panel } from "./styles";

const phaseStateBadge: Record<PhaseClock["state"], string> = {
  done: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200",
  active: "bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-200",
  overdue: "bg-red-600 text-white dark:bg-red-700",
  upcoming: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
};

/**
 * The guided checklist, grouped by phase. Engineers and leads tick steps; each tick names the version of the
 * step it saw, so two people ticking at once never both win (the loser sees why, next to the step). A step
 * with a runbook action links to its request form (for engineers and up) and shows its latest run, live.
 */
export function Checklist({
  incidentId,
  steps,
  clocks,
  nextKey,
  canCheck,
  canRequestActions,
  regions,
  ruleSettings,
  checkStep,
  approve,
  refresh,
}: {
  incidentId: number;
  steps: StepState[];
  clocks: PhaseClock[];
  nextKey: string | null;
  canCheck: boolean;
  canRequestActions: boolean;
  /** the incident's affected regions: a default for the actions' region */
  regions: string[];
  /** the alert rules' settings: a live check's words name the thresholds it judges by */
  ruleSettings: RuleSettingsMap;
  checkStep: IncidentActions["checkStep"];
  /** a lead's approval of a step's waiting request, for runs someone else asked for */
  approve: { run: IncidentActions["approveRun"]; by: string } | null;
  refresh: () => void;
}) {
  const hasActions = steps.some((s) => s.action);
  const { data: runsData } = useQuery({ ...actionsQuery({ incidentId }), enabled: hasActions });
  // Newest first: the first run seen for a step is its latest.
  const latestRun = new Map<string, ActionRun>();
  for (const r of runsData?.runs ?? []) if (r.stepKey && !latestRun.has(r.stepKey)) latestRun.set(r.stepKey, r);
  return (
    <section aria-labelledby="checklist-heading" data-testid="checklist" className={`${panel} space-y-5`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="checklist-heading" className="text-lg font-semibold">
          Checklist
        </h2>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {steps.filter((s) => s.checked).length} of {steps.length} done
          {!canCheck && " · read-only"}
        </span>
      </div>
      {incidentPhases.map((phase) => {
        const phaseSteps = steps.filter((s) => s.phase === phase);
        if (!phaseSteps.length) return null;
        const clock = clocks.find((c) => c.phase === phase);
        const overdue = clock?.state === "overdue";
        return (
          <section key={phase} aria-labelledby={`phase-${phase}`} data-testid={`phase-${phase}`} className="space-y-2">
            <h3
              id={`phase-${phase}`}
              className="flex flex-wrap items-center gap-2 text-sm font-semibold tracking-wide text-slate-700 uppercase dark:text-slate-300"
            >
              {phaseLabels[phase]}
              {clock && (
                <span
                  className={`rounded px-1.5 py-0.5 text-[11px] font-medium normal-case ${phaseStateBadge[clock.state]}`}
                >
                  {clock.state === "active" ? "now" : clock.state}
                </span>
              )}
              <span className="text-xs font-normal text-slate-500 normal-case dark:text-slate-400">
                {phaseSteps.filter((s) => s.checked).length}/{phaseSteps.length}
              </span>
            </h3>
            <ul className="space-y-2">
              {phaseSteps.map((s) => (
                <StepItem
                  key={s.key}
                  incidentId={incidentId}
                  step={s}
                  isNext={s.key === nextKey}
                  late={overdue && !s.checked}
                  canCheck={canCheck}
                  checkLabel={s.check ? liveCheckLabel(s.check, ruleSettings) : null}
                  actionLink={
                    <StepAction
                      incidentId={incidentId}
                      step={s}
                      incidentRegions={regions}
                      canRequest={canRequestActions}
                      latestRun={latestRun.get(s.key) ?? null}
                      approve={approve && latestRun.get(s.key)?.requestedBy.id !== approve.by ? approve.run : undefined}
                      refresh={refresh}
                    />
                  }
                  checkStep={checkStep}
                  refresh={refresh}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}

function StepItem({
  incidentId,
  step,
  isNext,
  late,
  canCheck,
  checkLabel,
  actionLink,
  checkStep,
  refresh,
}: {
  incidentId: number;
  step: StepState;
  isNext: boolean;
  late: boolean;
  canCheck: boolean;
  checkLabel: string | null;
  actionLink: ReactNode;
  checkStep: IncidentActions["checkStep"];
  refresh: () => void;
}) {
  // The optimistic tick holds until the step's version moves on (then the server's state shows).
  const [pending, setPending] = useState<{ checked: boolean; version: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checked = pending && pending.version === step.version ? pending.checked : step.checked;
  const inputId = `check-${step.key.replace(/\//g, "--")}`;

  async function toggle(next: boolean) {
    setError(null);
    setPending({ checked: next, version: step.version });
    setBusy(true);
    try {
      const r = await checkStep({ id: incidentId, stepKey: step.key, checked: next, expectedVersion: step.version });
      if (!r.ok) {
        setPending(null);
        setError(r.message);
      }
    } catch {
      setPending(null);
      setError("The console did not answer; try again.");
    } finally {
      setBusy(false);
      refresh();
    }
  }

  const tone =
    isNext && late
      ? "border-red-500 bg-red-50/60 ring-2 ring-red-500/40 dark:border-red-500 dark:bg-red-950/40"
      : isNext
        ? "border-sky-500 bg-sky-50/70 ring-2 ring-sky-500/30 dark:border-sky-500 dark:bg-sky-950/40"
        : late
          ? "border-red-300 shadow-[inset_4px_0_0_0_var(--color-red-600)] dark:border-red-900 dark:shadow-[inset_4px_0_0_0_var(--color-red-500)]"
          : checked
            ? "border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950/40"
            : "border-slate-200 dark:border-slate-800";

  return (
    <li
      id={`step-${step.key}`}
      data-testid="step"
      data-key={step.key}
      data-checked={checked}
      data-next={isNext || undefined}
      data-late={late || undefined}
      className={`scroll-mt-24 rounded-lg border p-3 ${tone}`}
    >
      <div className="flex gap-3">
        <input
          id={inputId}
          type="checkbox"
          checked={checked}
          disabled={!canCheck || busy}
          onChange={(e) => void toggle(e.target.checked)}
          className="mt-0.5 h-5 w-5 shrink-0 accent-sky-700 disabled:cursor-not-allowed"
        />
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <label
              htmlFor={inputId}
              className={`font-medium ${checked ? "text-slate-500 line-through decoration-slate-400 dark:text-slate-400" : ""}`}
            >
              {step.title}
            </label>
            {isNext && (
              <span className="rounded bg-sky-700 px-1.5 py-0.5 text-[11px] font-semibold text-white uppercase dark:bg-sky-600">
                Next
              </span>
            )}
            {late && (
              <span className="rounded bg-red-600 px-1.5 py-0.5 text-[11px] font-semibold text-white uppercase dark:bg-red-700">
                Late
              </span>
            )}
          </div>
          {step.detail && <p className="text-sm text-slate-600 dark:text-slate-400">{step.detail}</p>}
          {step.command && (
            <div className="flex items-start gap-2">
              <pre className="min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100 sm:break-normal sm:whitespace-pre dark:bg-black/60">
                <code>{step.command.trimEnd()}</code>
              </pre>
              <CopyButton text={step.command.trimEnd()} small />
            </div>
          )}
          {(step.action || step.check) && (
            <div className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
              {step.action && actionLink}
              {step.check && (
                <span>
                  <span className="font-medium">Live check:</span> {checkLabel}
                  {step.check.startsWith("traffic-") && (
                    <>
                      {" "}
                      (
                      <Link href="/traffic" className="underline underline-offset-2">
                        users&apos; live figures
                      </Link>
                      )
                    </>
                  )}
                </span>
              )}
              {step.check && step.holdMinutes && !step.checked && (
                <StabilityTimer holdMinutes={step.holdMinutes} holdingSince={step.holdingSince} />
              )}
            </div>
          )}
          {step.checked && step.checkedAt && (
            <p
              data-testid="step-checked-by"
              className={`text-xs ${step.checkedBy === "Live check" ? "text-emerald-800 dark:text-emerald-300" : "text-slate-600 dark:text-slate-400"}`}
            >
              {step.checkedBy === "Live check" ? (
                <>
                  ✓ Live check saw <q className="font-mono">{step.observed ?? "—"}</q> ·{" "}
                  <Timestamp iso={step.checkedAt} />
                </>
              ) : (
                <>
                  ✓ Checked by {step.checkedBy ?? "someone"} · <Timestamp iso={step.checkedAt} />
                </>
              )}
            </p>
          )}
          {error && (
            <p
              role="alert"
              data-testid="step-error"
              className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
            >
              {error}
            </p>
          )}
        </div>
      </div>
    </li>
  );
}
