"use client";

import Link from "@/components/ui/link";
import { btnSecondary, link, muted } from "@/components/incidents/styles";
import { actionCatalog, type ActionId } from "@/lib/actions/catalog";
import type { ActionPreview } from "@/components/actions/action-types";
import { CheckList } from "@/components/actions/check-list";
import { proposalHref } from "@/components/actions/request/form-params";
import { PlanList } from "@/components/actions/plan-list";
import type { PreviewState } from "@/components/actions/request/use-action-preview";

const proposalNames: Partial<Record<ActionId, string>> = { "db.switchover": "a switchover" };

/** The live pre-flight of the form's parameters, who holds the target, a better-fitting action, and the dry run. */
export function PreviewPanel({
  state,
  invalid,
  incidentId,
}: {
  state: PreviewState;
  invalid: string | null;
  incidentId: number | null;
}) {
  const shown = state.current ?? state.last;
  const status = invalid ? "invalid" : state.checking ? "checking" : shown?.ok ? "ready" : "error";
  return (
    <section
      aria-labelledby="preview-heading"
      data-testid="preview"
      data-state={status}
      aria-busy={state.checking}
      className="space-y-3"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="preview-heading" className="text-base font-semibold">
          Pre-flight and plan
        </h2>
        <button
          type="button"
          onClick={state.again}
          disabled={!!invalid || state.checking}
          className={`${btnSecondary} py-1 text-xs`}
        >
          Check again
        </button>
      </div>
      <p aria-live="polite" className={`text-sm ${muted}`}>
        {invalid
          ? ""
          : state.checking
            ? "Running the pre-flight against the fleet…"
            : shown?.ok
              ? summary(shown.data)
              : ""}
      </p>
      {invalid ? (
        <p
          role="alert"
          className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          Fix the parameters first: {invalid}
        </p>
      ) : shown && !shown.ok ? (
        !state.checking && (
          <p
            role="alert"
            data-testid="preview-error"
            className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/60 dark:text-red-200"
          >
            {shown.message}
          </p>
        )
      ) : shown?.ok ? (
        <div className={`space-y-4 transition-opacity ${state.checking ? "opacity-50" : ""}`}>
          <PreviewBody preview={shown.data} incidentId={incidentId} />
        </div>
      ) : null}
    </section>
  );
}

function summary(p: ActionPreview): string {
  const failing = p.preflight.filter((c) => !c.ok).length;
  if (!p.preflight.length) return "No pre-flight checks for this action.";
  return failing
    ? `${failing} of ${p.preflight.length} pre-flight checks fail.`
    : `All ${p.preflight.length} pre-flight checks pass.`;
}

function PreviewBody({ preview: p, incidentId }: { preview: ActionPreview; incidentId: number | null }) {
  const failing = p.preflight.some((c) => !c.ok);
  return (
    <>
      {p.holder && (
        <p
          data-testid="preview-holder"
          className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          <Link href={`/actions/${p.holder.id}`} className="font-medium underline underline-offset-2">
            {p.holder.actionId} #{p.holder.id}
          </Link>{" "}
          (requested by {p.holder.requestedBy.name}) holds <span className="font-mono">{p.holder.target}</span> now:
          this one cannot start until it finishes.
        </p>
      )}
      {p.proposal && (
        <div
          data-testid="preview-proposal"
          className="space-y-1 rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-900 dark:bg-sky-950/50 dark:text-sky-100"
        >
          <p>{p.proposal.why}</p>
          <Link
            href={proposalHref(p.actionId, p.params, p.proposal.actionId, incidentId)}
            className={`${link} font-medium`}
          >
            Propose {proposalNames[p.proposal.actionId] ?? p.proposal.actionId} instead
          </Link>
          <span className={`block text-xs ${muted}`}>{actionCatalog[p.proposal.actionId].title}</span>
        </div>
      )}
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">Pre-flight</h3>
        <CheckList checks={p.preflight} />
        {failing && (
          <p className={`text-xs ${muted}`}>
            A request with a failing pre-flight waits until a lead overrides it with a written reason.
          </p>
        )}
      </div>
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">Dry run: what it will do, in order</h3>
        <PlanList plan={p.plan} />
      </div>
      <p className={`text-xs ${muted}`}>
        Parameters hash <code className="font-mono">{p.paramsHash.slice(0, 12)}</code>: an approval is bound to exactly
        these parameters.
      </p>
    </>
  );
}
