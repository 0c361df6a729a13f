import Link from "@/components/ui/link";
import { Fact } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { link, panel } from "@/components/incidents/styles";
import type { ActionRun } from "@/lib/actions/run";
import { incidentRef } from "@/lib/ids";
import { RiskBadge, RunStatusBadge } from "@/components/actions/badges";

/** Which run this is: the action, its status and risk, its target, its incident and step, who and when. */
export function RunHeader({ run }: { run: ActionRun }) {
  const decidedLabel = run.status === "rejected" ? "Rejected by" : "Approved by";
  return (
    <header className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-600 dark:text-slate-300">#{run.id}</span>
        <RunStatusBadge status={run.status} paused={!!run.progress?.paused} />
        <RiskBadge risk={run.risk} />
      </div>
      <div>
        <h1 className="text-xl font-semibold break-words">{run.title}</h1>
        <p className="font-mono text-sm text-slate-600 dark:text-slate-400">{run.actionId}</p>
      </div>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <Fact layout="stacked" label="Target">
          <span className="font-mono break-all">{run.target}</span>
        </Fact>
        {run.incidentId && (
          <Fact layout="stacked" label="Incident">
            <Link
              href={`/incidents/${run.incidentId}${run.stepKey ? `#step-${run.stepKey}` : ""}`}
              className={link}
              data-testid="run-incident"
            >
              {incidentRef(run.incidentId)}
            </Link>
            {run.stepKey && (
              <span className="block font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                step {run.stepKey}
              </span>
            )}
          </Fact>
        )}
        <Fact layout="stacked" label="Requested by">
          {run.requestedBy.name}
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            <Timestamp iso={run.requestedAt} />
          </span>
        </Fact>
        {run.decidedBy && run.decidedAt && (
          <Fact layout="stacked" label={decidedLabel}>
            {run.decidedBy.name}
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              <Timestamp iso={run.decidedAt} />
            </span>
          </Fact>
        )}
        {run.startedAt && (
          <Fact layout="stacked" label="Started">
            <Timestamp iso={run.startedAt} stack />
          </Fact>
        )}
        {run.finishedAt && (
          <Fact layout="stacked" label="Finished">
            <Timestamp iso={run.finishedAt} stack />
          </Fact>
        )}
      </dl>
    </header>
  );
}
