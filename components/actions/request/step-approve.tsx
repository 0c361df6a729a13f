"use client";

import Link from "@/components/ui/link";
import { useRunCommand } from "@/components/actions/run/use-run-command";
import type { ActionResult } from "@/lib/action-result";
import type { ActionRun } from "@/lib/actions/run";

/**
 * A step's waiting request, approved where the lead works: its exact parameters, its pre-flight's verdict and its
 * plan's length, one button bound to the parameters' hash (the pre-flight runs again before the start), and the
 * whole run a link away.
 */
export function StepApprove({
  run,
  approve,
  refresh,
}: {
  run: ActionRun;
  approve: (input: { id: number; paramsHash: string }) => Promise<ActionResult<unknown>>;
  refresh: () => void;
}) {
  const { busy, error, run: send } = useRunCommand(refresh);
  const passing = run.preflight.filter((c) => c.ok).length;
  const params = Object.entries(run.params)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(" ");
  return (
    <div
      data-testid="step-approval"
      className="mt-1 w-full rounded-md bg-amber-50 px-2 py-1.5 text-sm text-amber-950 ring-1 ring-amber-600/20 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p>
        {run.requestedBy.name} asks for <span className="font-mono">{run.actionId}</span>{" "}
        <span className="font-mono text-xs">{params}</span> · pre-flight {passing} of {run.preflight.length} passing
        {run.override ? " (overridden)" : ""} · {run.plan.length} steps ·{" "}
        <Link href={`/actions/${run.id}`} className="underline underline-offset-2">
          review
        </Link>
      </p>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="step-approve"
          disabled={busy !== null}
          onClick={() => void send("approve", () => approve({ id: run.id, paramsHash: run.paramsHash }))}
          className="rounded-md bg-emerald-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
        >
          {busy ? "Approving…" : `Approve #${run.id}`}
        </button>
        {error && (
          <span role="alert" className="text-red-800 dark:text-red-200">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
