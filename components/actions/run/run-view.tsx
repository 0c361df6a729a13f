"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { panel } from "@/components/incidents/styles";
import type { ActionRunDetail } from "@/lib/actions/run";
import { actionQuery } from "@/lib/queries";
import type { RunActions, RunViewer } from "@/components/actions/action-types";
import { RunControls, runPermissions } from "@/components/actions/run/run-controls";
import { RunHeader } from "@/components/actions/run/run-header";
import { RunOutcome, RunVerification } from "@/components/actions/run/run-outcome";
import { RunOutput } from "@/components/actions/run/run-output";
import { RunParams } from "@/components/actions/run/run-params";
import { RunPlan, RunPreflight } from "@/components/actions/run/run-preflight";
import { RunProgress } from "@/components/actions/run/run-progress";
import { RunStages } from "@/components/actions/run/run-stages";
import { WayBack } from "@/components/actions/run/way-back";
import { hasRole } from "@/lib/roles";
import { WaitingBanner } from "@/components/actions/run/waiting-banner";

/**
 * One run, live: the server prefetched it, the console's event stream refetches it on every change and it polls
 * every 2 s while it runs, so the output, the progress and the verdict appear without a reload. Viewers read;
 * the controls appear only for those who may use them.
 */
export function RunView({ id, viewer, actions }: { id: number; viewer: RunViewer; actions: RunActions }) {
  const { data, error } = useQuery(actionQuery(id));
  const queryClient = useQueryClient();
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: actionQuery(id).queryKey }),
    [queryClient, id],
  );
  if (!data) {
    return (
      <p role={error ? "alert" : "status"} className="text-sm text-slate-600 dark:text-slate-400">
        {error ? `The action could not be loaded: ${error.message}` : "Loading…"}
      </p>
    );
  }
  return <RunDetail run={data} stale={error?.message ?? null} viewer={viewer} actions={actions} refresh={refresh} />;
}

function RunDetail({
  run,
  stale,
  viewer,
  actions,
  refresh,
}: {
  run: ActionRunDetail;
  stale: string | null;
  viewer: RunViewer;
  actions: RunActions;
  refresh: () => void;
}) {
  const started = run.status === "running" || !!run.startedAt || run.output.length > 0;
  return (
    <div className="space-y-4" data-testid="action-run" data-run-id={run.id} data-version={run.version}>
      {stale && (
        <p
          role="alert"
          className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          Showing the last known state: {stale}
        </p>
      )}
      <RunHeader run={run} />
      <RunOutcome run={run} />
      <WaitingBanner run={run} />
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="min-w-0 space-y-4">
          <RunParams run={run} />
          <RunPlan run={run} />
        </div>
        <div className="min-w-0">
          <RunPreflight run={run} canOverride={runPermissions(run, viewer).override} />
        </div>
      </div>
      <RunControls run={run} viewer={viewer} actions={actions} refresh={refresh} />
      <RunStages run={run} />
      {started && (
        <section aria-labelledby="execution-heading" className={`${panel} space-y-3`}>
          <h2 id="execution-heading" className="text-lg font-semibold">
            Output
          </h2>
          <RunProgress run={run} />
          <RunOutput lines={run.output} running={run.status === "running"} />
        </section>
      )}
      <RunVerification run={run} />
      <WayBack run={run} canRequest={hasRole(viewer.role, "engineer")} />
    </div>
  );
}
