import { Timestamp } from "@/components/fleet/timestamp";
import { muted, panel } from "@/components/incidents/styles";
import type { ActionRun } from "@/lib/actions/run";
import { CheckList } from "@/components/actions/check-list";
import { PlanList } from "@/components/actions/plan-list";

/** The pre-flight as last observed (at the request, and again at the approval), and a lead's override of it. */
export function RunPreflight({ run }: { run: ActionRun }) {
  const failing = run.preflight.filter((c) => !c.ok).length;
  return (
    <section aria-labelledby="preflight-heading" data-testid="preflight" data-ok={failing === 0} className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="preflight-heading" className="text-lg font-semibold">
          Pre-flight
        </h2>
        {run.preflightAt && (
          <span className={`text-xs ${muted}`}>
            observed <Timestamp iso={run.preflightAt} show="ago" />
          </span>
        )}
      </div>
      <p className={`text-sm ${muted}`}>{run.preflight.length ? (failing ? `${failing} of ${run.preflight.length} checks failed.` : `All ${run.preflight.length} checks passed.`) : "No pre-flight checks."}</p>
      <CheckList checks={run.preflight} />
      {run.override && (
        <div data-testid="override" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100">
          <p className="font-medium">
            Overridden by {run.override.by.name} · <Timestamp iso={run.override.at} />
          </p>
          <p className="mt-1 whitespace-pre-wrap">{run.override.reason}</p>
        </div>
      )}
    </section>
  );
}

/** The dry run recorded with the request: exactly what it does, in order. */
export function RunPlan({ run }: { run: ActionRun }) {
  return (
    <section aria-labelledby="plan-heading" className={`${panel} space-y-3`}>
      <h2 id="plan-heading" className="text-lg font-semibold">
        Plan
      </h2>
      <PlanList plan={run.plan} />
    </section>
  );
}
