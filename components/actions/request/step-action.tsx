import Link from "@/components/ui/link";
import { isActionId, type ActionId } from "@/lib/actions/catalog";
import { runStatusLabels, type ActionRun } from "@/lib/actions/run";
import type { StepState } from "@/lib/incident";
import { requestHref } from "@/components/actions/request/form-params";
import { StepApprove } from "@/components/actions/request/step-approve";
import type { ActionResult } from "@/lib/action-result";

/**
 * The parameters a checklist step implies: the runbook's full re-sync is of all regions, and a mirror or traffic
 * action for an incident in one region is for that region (the degraded region to drain, then to restore). Everything else the request form's defaults cover.
 */
export function stepDefaults(
  actionId: ActionId,
  step: Pick<StepState, "command">,
  incidentRegions: string[],
): Record<string, string> {
  const only = incidentRegions.length === 1 ? incidentRegions[0]! : null;
  if (actionId === "mirrors.resync")
    return step.command && !/[?&]region=/.test(step.command) ? { region: "all" } : only ? { region: only } : {};
  if (
    actionId === "mirrors.test-failover" ||
    actionId === "mirrors.cleanup" ||
    actionId === "traffic.drain-region" ||
    actionId === "traffic.restore-region" ||
    // the way back after a failover: to the region whose primary failed
    actionId === "db.failback"
  )
    return only ? { region: only } : {};
  return {};
}

const runTone: Record<ActionRun["status"], string> = {
  pending: "text-amber-800 dark:text-amber-300",
  running: "text-sky-800 dark:text-sky-300",
  succeeded: "text-emerald-800 dark:text-emerald-300",
  failed: "text-red-700 dark:text-red-300",
  rejected: "text-rose-700 dark:text-rose-300",
  expired: "text-slate-600 dark:text-slate-400",
  interrupted: "text-orange-800 dark:text-orange-300",
  cancelled: "text-slate-600 dark:text-slate-400",
};

/**
 * A checklist step's runbook action: a link to request it (for those who may), its latest run for this incident,
 * and, to a lead who did not ask for it, that run's approval while it waits.
 */
export function StepAction({
  incidentId,
  step,
  incidentRegions,
  canRequest,
  latestRun,
  approve,
  refresh,
}: {
  incidentId: number;
  step: StepState;
  incidentRegions: string[];
  canRequest: boolean;
  latestRun: ActionRun | null;
  /** given when the viewer may approve the latest run */
  approve?: (input: { id: number; paramsHash: string }) => Promise<ActionResult<unknown>>;
  refresh: () => void;
}) {
  const action = step.action;
  if (!action) return null;
  const badge =
    "rounded bg-violet-50 px-1.5 py-0.5 font-mono text-violet-800 ring-1 ring-violet-600/20 ring-inset dark:bg-violet-950/50 dark:text-violet-200";
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
      {canRequest && isActionId(action) ? (
        <Link
          href={requestHref(action, stepDefaults(action, step, incidentRegions), { incidentId, stepKey: step.key })}
          data-testid="step-action"
          className={`${badge} font-medium hover:bg-violet-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:hover:bg-violet-900/60`}
        >
          Run {action}
        </Link>
      ) : (
        <span
          className={badge}
          title={
            isActionId(action) ? "An engineer or lead can run this action from here" : "Not an action Switchyard knows"
          }
        >
          {action}
        </span>
      )}
      {latestRun && (
        <Link
          href={`/actions/${latestRun.id}`}
          data-testid="step-action-run"
          data-status={latestRun.status}
          className={`font-medium underline-offset-2 hover:underline ${runTone[latestRun.status]}`}
        >
          #{latestRun.id} {runStatusLabels[latestRun.status].toLowerCase()}
          {latestRun.progress?.paused && latestRun.status === "running" ? " (paused)" : ""}
        </Link>
      )}
      {latestRun?.status === "pending" && approve && (
        <StepApprove run={latestRun} approve={approve} refresh={refresh} />
      )}
    </span>
  );
}
