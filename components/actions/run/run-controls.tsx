"use client";

import { useState } from "react";
import { btnDanger, btnSecondary, btnSuccess, muted, panel } from "@/components/incidents/styles";
import { actionCatalog } from "@/lib/actions/catalog";
import { waitingFor, type ActionRunDetail } from "@/lib/actions/run";
import { hasRole } from "@/lib/roles";
import type { RunActions, RunViewer } from "@/components/actions/action-types";
import { ReasonForm } from "@/components/actions/run/reason-form";
import { useRunCommand } from "@/components/actions/run/use-run-command";

/** What this viewer may do to this run now; the service checks every one of these again. */
export function runPermissions(run: ActionRunDetail, viewer: RunViewer) {
  const lead = hasRole(viewer.role, "lead");
  const engineer = hasRole(viewer.role, "engineer");
  const requester = run.requestedBy.id === viewer.userId;
  const pending = run.status === "pending";
  return {
    decide: pending && lead && !requester,
    override: lead && waitingFor(run) === "override",
    cancel: pending && engineer && (requester || lead),
    control: run.status === "running" && !!actionCatalog[run.actionId].controllable && engineer && (requester || lead),
  };
}

export function hasAnyControl(run: ActionRunDetail, viewer: RunViewer): boolean {
  return Object.values(runPermissions(run, viewer)).some(Boolean);
}

/**
 * The buttons of a run, by role: a lead or admin who did not ask approves the exact parameters hash shown or
 * rejects with a reason, and overrides a failing pre-flight with one; the requester or a lead cancels a waiting
 * request, and pauses, resumes or aborts a controllable one while it runs. Viewers get none.
 */
export function RunControls({
  run,
  viewer,
  actions,
  refresh,
}: {
  run: ActionRunDetail;
  viewer: RunViewer;
  actions: RunActions;
  refresh: () => void;
}) {
  const can = runPermissions(run, viewer);
  const { busy, error, run: send } = useRunCommand(refresh);
  const [rejecting, setRejecting] = useState(false);
  const [aborting, setAborting] = useState(false);
  if (!hasAnyControl(run, viewer)) return null;
  const paused = !!run.progress?.paused;
  // A failing check that only a typed value can pass (a promotion whose old primary cannot be fenced).
  const confirmValue = run.preflight.find((c) => !c.ok && c.confirm)?.confirm;
  const confirm = confirmValue
    ? { value: confirmValue, warning: "Writes the old primary takes from now on will be lost." }
    : undefined;
  // A re-check before the start voided the last override: this one covers what fails now.
  const again = run.recheck?.lapsed ? { by: run.recheck.lapsed.by.name, changed: run.recheck.changed } : null;

  return (
    <section aria-labelledby="controls-heading" data-testid="run-controls" className={`${panel} space-y-4`}>
      <h2 id="controls-heading" className="text-lg font-semibold">
        {run.status === "running" ? "Control" : "Decide"}
      </h2>
      {error && (
        <p
          role="alert"
          data-testid="control-error"
          className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/60 dark:text-red-200"
        >
          {error}
        </p>
      )}

      {/* One reason field at a time: the reject form replaces the override while it is open. */}
      {can.override && !rejecting && (
        <ReasonForm
          id="override"
          title={again ? "Override again: the pre-flight changed" : "Override the failing pre-flight"}
          explanation={`${again ? `${again.by}'s override did not cover ${again.changed.map((c) => c.label).join("; ")}. ` : ""}Write down why it is safe to go ahead anyway; the reason is recorded in the audit log${run.incidentId ? " and the incident's timeline" : ""}. It covers only the failing checks above, as shown: if another fails before the start, it does not run.${run.risk === "high" ? " It still needs an approval afterwards." : " It starts at once."}`}
          submitLabel="Override pre-flight"
          busy={busy !== null}
          confirm={confirm}
          onSubmit={(reason, typed) =>
            send("override", () =>
              actions.override({ id: run.id, reason, ...(typed !== undefined ? { confirm: typed } : {}) }),
            )
          }
        />
      )}

      {(can.decide || can.cancel) && !rejecting && (
        <div className="space-y-2">
          {can.decide && (
            <p className={`text-xs ${muted}`}>
              Approving runs exactly the parameters above (hash{" "}
              <code className="font-mono">{run.paramsHash.slice(0, 12)}</code>); the pre-flight runs again first.
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            {can.decide && (
              <button
                type="button"
                data-testid="approve"
                disabled={busy !== null}
                onClick={() => void send("approve", () => actions.approve({ id: run.id, paramsHash: run.paramsHash }))}
                className={btnSuccess}
              >
                {busy === "approve" ? "Approving…" : "Approve"}
              </button>
            )}
            {can.decide && (
              <button
                type="button"
                data-testid="reject"
                disabled={busy !== null}
                onClick={() => setRejecting(true)}
                className={btnDanger}
              >
                Reject…
              </button>
            )}
            {can.cancel && (
              <button
                type="button"
                data-testid="cancel"
                disabled={busy !== null}
                onClick={() => void send("cancel", () => actions.cancel({ id: run.id }))}
                className={btnSecondary}
              >
                {busy === "cancel" ? "Cancelling…" : "Cancel request"}
              </button>
            )}
          </div>
        </div>
      )}

      {can.decide && rejecting && (
        <ReasonForm
          id="reject"
          title="Reject this request"
          explanation={`${run.requestedBy.name} sees the reason on this page.`}
          submitLabel="Reject request"
          tone="danger"
          busy={busy !== null}
          onSubmit={async (reason) => {
            const ok = await send("reject", () => actions.reject({ id: run.id, reason }));
            if (ok) setRejecting(false);
            return ok;
          }}
          onDismiss={() => setRejecting(false)}
        />
      )}

      {can.control && (
        <div className="flex flex-wrap gap-2">
          {paused ? (
            <button
              type="button"
              data-testid="resume"
              disabled={busy !== null}
              onClick={() => void send("resume", () => actions.control({ id: run.id, control: "resume" }))}
              className={btnSecondary}
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              data-testid="pause"
              disabled={busy !== null}
              onClick={() => void send("pause", () => actions.control({ id: run.id, control: "pause" }))}
              className={btnSecondary}
            >
              Pause
            </button>
          )}
          {aborting ? (
            <>
              <button
                type="button"
                data-testid="abort-confirm"
                disabled={busy !== null}
                onClick={async () => {
                  await send("abort", () => actions.control({ id: run.id, control: "abort" }));
                  setAborting(false);
                }}
                className={btnDanger}
              >
                Abort now
              </button>
              <button type="button" onClick={() => setAborting(false)} className={btnSecondary}>
                Keep running
              </button>
              <span className={`self-center text-xs ${muted}`}>{actionCatalog[run.actionId].reverse}</span>
            </>
          ) : (
            <button
              type="button"
              data-testid="abort"
              disabled={busy !== null}
              onClick={() => setAborting(true)}
              className={btnDanger}
            >
              Abort…
            </button>
          )}
        </div>
      )}
    </section>
  );
}
