import type { ReactNode } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import { muted, panel } from "@/components/incidents/styles";
import { actionCatalog } from "@/lib/actions/catalog";
import type { ActionRun } from "@/lib/actions/run";
import { CheckList } from "@/components/actions/check-list";

/** How a finished run ended, in words: rejected with its reason, expired, interrupted, cancelled, failed. */
export function RunOutcome({ run }: { run: ActionRun }) {
  const box = (tone: string, children: ReactNode) => (
    <div
      role="status"
      data-testid="run-outcome"
      data-status={run.status}
      className={`rounded-lg px-3 py-2 text-sm ${tone}`}
    >
      {children}
    </div>
  );
  const red = "bg-red-50 text-red-900 dark:bg-red-950/60 dark:text-red-100";
  const grey = "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200";
  switch (run.status) {
    case "rejected":
      return box(
        red,
        <>
          <p className="font-medium">
            Rejected by {run.decidedBy?.name ?? "a lead"}
            {run.decidedAt && (
              <>
                {" "}
                · <Timestamp iso={run.decidedAt} />
              </>
            )}
          </p>
          {run.rejectReason && (
            <p data-testid="reject-reason" className="mt-1 whitespace-pre-wrap">
              {run.rejectReason}
            </p>
          )}
        </>,
      );
    case "expired":
      return box(
        grey,
        <p>
          Expired: nobody started it before <Timestamp iso={run.expiresAt} />. Nothing ran; request it again if it is
          still needed.
        </p>,
      );
    case "interrupted":
      return box(
        "bg-orange-50 text-orange-950 dark:bg-orange-950/60 dark:text-orange-100",
        <>
          <p className="font-medium">
            Interrupted: the console running it stopped before it finished, so it may have done part of its plan. It
            never runs again by itself.
          </p>
          {run.error && (
            <p data-testid="run-error" className="mt-1 whitespace-pre-wrap">
              {run.error}
            </p>
          )}
          <p className="mt-1 text-xs">Undo: {actionCatalog[run.actionId].reverse}</p>
        </>,
      );
    case "cancelled":
      return box(grey, <p>Cancelled before it started. Nothing ran.</p>);
    case "failed":
      return box(
        red,
        <>
          <p className="font-medium">Failed{run.error ? ":" : "."}</p>
          {run.error && (
            <p data-testid="run-error" className="mt-1 font-mono text-xs whitespace-pre-wrap">
              {run.error}
            </p>
          )}
          <p className="mt-1 text-xs">Undo: {actionCatalog[run.actionId].reverse}</p>
        </>,
      );
    default:
      return run.error
        ? box(
            red,
            <p data-testid="run-error" className="font-mono text-xs whitespace-pre-wrap">
              {run.error}
            </p>,
          )
        : null;
  }
}

/** What was checked after it ran, with the evidence observed. */
export function RunVerification({ run }: { run: ActionRun }) {
  if (!run.verification) return null;
  const v = run.verification;
  return (
    <section
      aria-labelledby="verification-heading"
      data-testid="verification"
      data-ok={v.ok}
      className={`${panel} space-y-3`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="verification-heading" className="text-lg font-semibold">
          Verification
        </h2>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-semibold ${v.ok ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200" : "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200"}`}
        >
          {v.ok ? "verified" : "not verified"}
        </span>
      </div>
      <p className={`text-sm ${muted}`}>
        {v.ok ? "Every check after the run saw what it should." : "A check after the run did not see what it should."}
      </p>
      <CheckList checks={v.checks} />
    </section>
  );
}
