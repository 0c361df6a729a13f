import { CheckList } from "@/components/actions/check-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { panel } from "@/components/incidents/styles";
import type { ActionRun, PlanStage } from "@/lib/actions/run";

const statusLabel: Record<PlanStage["status"], string> = {
  pending: "Waiting",
  running: "Running",
  passed: "Verified",
  failed: "Failed",
  skipped: "Not run",
};

const statusTone: Record<PlanStage["status"], string> = {
  pending: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  running: "bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-100",
  passed: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/60 dark:text-emerald-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-900/60 dark:text-red-100",
  skipped: "bg-slate-100 text-slate-500 dark:bg-slate-800 dark:text-slate-400",
};

/** A plan's steps, each with its state, its checks (pre-flight, then verification) and what it did or why it stopped. */
export function RunStages({ run }: { run: ActionRun }) {
  if (!run.stages?.length) return null;
  return (
    <section aria-labelledby="stages-heading" className={`${panel} space-y-3`} data-testid="plan-stages">
      <h2 id="stages-heading" className="text-lg font-semibold">
        Plan steps
      </h2>
      <ol className="space-y-3">
        {run.stages.map((s, i) => (
          <li
            key={s.key}
            data-testid="plan-stage"
            data-stage={s.key}
            data-status={s.status}
            aria-current={s.status === "running" ? "step" : undefined}
            className="rounded-lg border border-slate-200 p-3 dark:border-slate-700"
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="font-medium">
                {i + 1}. {s.title}
              </h3>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[s.status]}`}>
                {statusLabel[s.status]}
                {s.finishedAt && s.startedAt && s.status !== "skipped" && (
                  <> in {((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)} s</>
                )}
              </span>
            </div>
            {s.startedAt && (
              <p className="text-xs text-slate-600 dark:text-slate-400">
                Started <Timestamp iso={s.startedAt} />
              </p>
            )}
            {s.status === "failed" && s.note && (
              <p role="alert" className="mt-1 text-sm break-words text-red-800 dark:text-red-200">
                {s.note}
              </p>
            )}
            {s.status === "skipped" && s.note && (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{s.note}</p>
            )}
            {s.checks.length > 0 && (
              <div className="mt-2">
                <CheckList checks={s.checks} />
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
