"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { btnPrimary, link, muted, panel } from "@/components/incidents/styles";
import { parseActionParams } from "@/lib/actions/action-params";
import { actionCatalog, type ActionId } from "@/lib/actions/catalog";
import { incidentRef } from "@/lib/ids";
import { ActionPicker, ActionSummary } from "@/components/actions/request/action-picker";
import type { FleetGeography, FleetRegion, RequestFormActions } from "@/components/actions/action-types";
import { changeValue, initialValues, toParams, type FormValues } from "@/components/actions/request/form-params";
import { newIdempotencyKey } from "@/components/actions/request/idempotency-key";
import { ParamInputs } from "@/components/actions/request/param-inputs";
import { PreviewPanel } from "@/components/actions/request/preview-panel";
import { useActionPreview } from "@/components/actions/request/use-action-preview";

export type RequestContext = {
  incidentId: number | null;
  incidentTitle: string | null;
  stepKey: string | null;
  stepTitle: string | null;
};

/**
 * Requests a runbook action: pick it, fill in its parameters (prefilled from the URL), watch the live pre-flight
 * and the dry run, then Request (high risk: waits for a second person) or Run (low risk: starts when the
 * pre-flight passes). One idempotency key per form, so a double click makes one request; opens the run.
 */
export function RequestForm({
  fleet,
  geographies = [],
  initialActionId,
  query,
  context,
  actions,
}: {
  fleet: FleetRegion[];
  /** the global balancer's geographies (none when the fleet has no balancer) */
  geographies?: FleetGeography[];
  initialActionId: ActionId | null;
  query: Record<string, string>;
  context: RequestContext;
  actions: RequestFormActions;
}) {
  const router = useRouter();
  const [actionId, setActionId] = useState<ActionId | null>(initialActionId);
  const [values, setValues] = useState<FormValues>(() =>
    initialActionId ? initialValues(initialActionId, fleet, query, geographies) : {},
  );
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const params = actionId ? toParams(actionId, values, fleet) : null;
  const invalid = actionId && params ? problemWith(actionId, params) : null;
  const preview = useActionPreview(actions.preview, actionId && params && !invalid ? { actionId, params } : null);
  // The step names the action it runs: for another action the request is the incident's, not the step's.
  const stepKey = actionId === initialActionId ? context.stepKey : null;
  const meta = actionId ? actionCatalog[actionId] : null;
  const failing = preview.current?.ok && preview.current.data.preflight.some((c) => !c.ok);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!actionId || !params || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await actions.request({ actionId, params, incidentId: context.incidentId, stepKey, idempotencyKey });
      if (r.ok) {
        router.push(`/actions/${r.data.id}`);
        return;
      }
      setError(r.message);
    } catch {
      setError("The console did not answer. Submit again: it finds the request if it was made.");
    }
    setBusy(false);
  }

  return (
    <form aria-label="Request a runbook action" onSubmit={submit} className="space-y-4">
      {context.incidentId && (
        <p
          data-testid="request-context"
          className="rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:bg-sky-950/50 dark:text-sky-100"
        >
          For{" "}
          <Link href={`/incidents/${context.incidentId}`} className={`${link} font-medium`}>
            {incidentRef(context.incidentId)}
            {context.incidentTitle ? ` ${context.incidentTitle}` : ""}
          </Link>
          {stepKey && (
            <>
              , step <span className="font-medium">{context.stepTitle ?? stepKey}</span>
            </>
          )}
          {context.stepKey && !stepKey && <span className={muted}> (not for the step: it runs {initialActionId})</span>}
        </p>
      )}
      <div className={`${panel} space-y-4`}>
        <ActionPicker
          value={actionId}
          onChange={(id) => {
            setActionId(id);
            setValues(initialValues(id, fleet, {}, geographies));
            setError(null);
          }}
        />
        {actionId && <ActionSummary actionId={actionId} />}
        {actionId && (
          <ParamInputs
            actionId={actionId}
            fleet={fleet}
            geographies={geographies}
            values={values}
            onChange={(name, v) => setValues((old) => changeValue(actionId, old, name, v, fleet, geographies))}
          />
        )}
      </div>
      {actionId && (
        <div className={panel}>
          <PreviewPanel state={preview} invalid={invalid} incidentId={context.incidentId} />
        </div>
      )}
      {error && (
        <p
          role="alert"
          data-testid="request-error"
          className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/60 dark:text-red-200"
        >
          {error}
        </p>
      )}
      {meta && (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:gap-3">
          <button
            type="submit"
            disabled={busy || !!invalid}
            aria-describedby="request-hint"
            className={`${btnPrimary} px-5 py-2`}
          >
            {meta.risk === "high" ? "Request" : "Run"}
          </button>
          <span id="request-hint" aria-live="polite" className={`text-xs ${muted}`}>
            {busy
              ? "Sending…"
              : meta.risk === "high"
                ? `A lead or admin other than you must approve it before it runs${failing ? "; the failing pre-flight also needs a lead's override" : ""}.`
                : failing
                  ? "The pre-flight fails: it waits for a lead to override it."
                  : "Runs at once when its pre-flight passes."}
          </span>
        </div>
      )}
    </form>
  );
}

/** The first problem the action's own schema finds, named by the field's label; null when the parameters parse. */
function problemWith(actionId: ActionId, params: Record<string, unknown>): string | null {
  const parsed = parseActionParams(actionId, params);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  if (!issue) return "invalid parameters";
  const field = actionCatalog[actionId].fields.find((f) => f.name === issue.path[0]);
  // a weight names its region: "Weight per region (0–256), eu-west-1: must be at most 256"
  const key = typeof issue.path[1] === "string" ? `, ${issue.path[1]}` : "";
  return `${field ? `${field.label}${key}` : issue.path.map(String).join(".") || "parameters"}: ${issue.message}`;
}
