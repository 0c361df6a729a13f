import { Timestamp } from "@/components/fleet/timestamp";
import { waitingFor, type ActionRun } from "@/lib/actions/run";

/** Why a waiting request waits, and until when it may. */
export function WaitingBanner({ run }: { run: ActionRun }) {
  if (run.status !== "pending") return null;
  const reason = waitingFor(run);
  const expiry = (
    <span className="block text-xs font-normal opacity-90">
      Expires <Timestamp iso={run.expiresAt} /> unless it starts before.
    </span>
  );
  const tone =
    reason === "override"
      ? "bg-red-50 text-red-900 dark:bg-red-950/60 dark:text-red-100"
      : "bg-amber-50 text-amber-950 dark:bg-amber-950/60 dark:text-amber-100";
  return (
    <div
      role="status"
      data-testid="waiting-for"
      data-waiting={reason ?? "start"}
      className={`rounded-lg px-3 py-2 text-sm font-medium ${tone}`}
    >
      {reason === "approval" ? (
        <>Waiting for approval by a lead (not {run.requestedBy.name})</>
      ) : reason === "override" ? (
        <>
          Pre-flight failed: a lead must override with a reason
          {run.risk === "high" && (
            <span className="font-normal">, then a lead other than {run.requestedBy.name} must approve it</span>
          )}
        </>
      ) : (
        <>
          Waiting to start: its target was busy when it was asked for. A lead can approve it to start it, or cancel and
          request it again.
        </>
      )}
      {expiry}
    </div>
  );
}
