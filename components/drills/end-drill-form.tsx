"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useState } from "react";
import { btnDanger, btnSecondary, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import { drillFaultLabels, type DrillFault } from "@/lib/drills";
import type { EndDrillAction } from "./action-types";

type Ended = { faultCleared: boolean | null; note: string | null };

/**
 * Ends the drill, in two steps (a second button confirms): it is scored as it stands, and the fault Switchyard
 * injected is cleared unless the lead unticks it (a team that failed over keeps the old primary stopped: starting it
 * would make two primaries).
 */
export function EndDrillForm({
  id,
  fault,
  incidentOpen,
  end,
}: {
  id: number;
  /** the fault Switchyard injected and has not cleared; null: nothing to clear */
  fault: DrillFault | null;
  incidentOpen: boolean;
  end: EndDrillAction;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [state, dispatch, pending] = useActionState<ActionResult<Ended> | null, FormData>(end, null);
  useEffect(() => {
    if (state) router.refresh();
  }, [state, router]);

  return (
    <form
      aria-label="End the drill"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        startTransition(() => dispatch(form));
      }}
    >
      <input type="hidden" name="id" value={id} />
      {fault && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="clearFault"
            defaultChecked
            className="mt-0.5 h-4 w-4 rounded border-slate-400 text-sky-700 focus-visible:outline-2 focus-visible:outline-sky-500"
          />
          <span>
            Clear the fault: {drillFaultLabels[fault]}
            <span className={`block text-xs ${muted}`}>
              {fault === "db-down"
                ? "The stopped database is started again, unless another region is the primary now (then rebuild it as a replica)."
                : "Switchyard undoes it through the fleet file's clearFault hook."}
            </span>
          </span>
        </label>
      )}
      {incidentOpen && (
        <p className={`text-xs ${muted}`}>
          The drill&apos;s incident is still open: marks it has not reached are scored as missed.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {!confirming ? (
          <button type="button" className={btnSecondary} onClick={() => setConfirming(true)}>
            End drill…
          </button>
        ) : (
          <>
            <button type="submit" disabled={pending} className={btnDanger} autoFocus>
              {pending ? "Ending…" : "End drill and score it"}
            </button>
            <button type="button" disabled={pending} className={btnSecondary} onClick={() => setConfirming(false)}>
              Keep running
            </button>
          </>
        )}
        <span
          role="status"
          data-testid="drill-end-result"
          className={`text-sm ${state?.ok && !state.data.note ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {state ? (state.ok ? (state.data.note ?? "Drill ended.") : state.message) : ""}
        </span>
      </div>
    </form>
  );
}
