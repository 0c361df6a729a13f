import Link from "@/components/ui/link";
import { requestHref } from "@/components/actions/request/form-params";
import { panel } from "@/components/incidents/styles";
import type { ActionRun } from "@/lib/actions/run";

/** After a verified failover, the way back as one plan: rebuild the old primary as a replica, then switch over to it. */
export function WayBack({ run, canRequest }: { run: ActionRun; canRequest: boolean }) {
  const old = run.stages?.find((s) => s.key === "old-primary")?.region;
  if (run.actionId !== "db.failover" || run.status !== "succeeded" || !old) return null;
  const href = requestHref("db.failback", { region: old }, { incidentId: run.incidentId });
  return (
    <section aria-labelledby="way-back-heading" className={`${panel} space-y-2`} data-testid="way-back">
      <h2 id="way-back-heading" className="text-lg font-semibold">
        The way back
      </h2>
      <p className="text-sm">
        When {old} can run again: rebuild it as a replica of the new primary, wait until it has caught up, then switch
        over to it without loss. One plan, one approval (db.failback); it waits for the catch-up itself.
      </p>
      {canRequest ? (
        <Link
          href={href}
          className="inline-block rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Request the fail-back to {old}
        </Link>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">An engineer or lead can request it.</p>
      )}
    </section>
  );
}
