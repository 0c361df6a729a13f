import Form from "next/form";
import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import { auditLimitDefault, auditLimitMax, toDatetimeLocal, type AuditFilterParams } from "@/lib/audit";
import { btnPrimary, btnSecondary, input, label, muted, panel } from "@/components/incidents/styles";

/** Suggestions only: any prefix works. */
const actionPrefixes = [
  "action.",
  "action.request",
  "action.approve",
  "action.reject",
  "action.override",
  "action.start",
  "action.succeeded",
  "action.failed",
  "action.interrupted",
  "user.",
  "api-token.",
  "alert-rule.",
  "escalation.",
];

/** A labelled field with its hint; the input names the hint with aria-describedby={`${id}-hint`}. */
function Field({ id, title, hint, children }: { id: string; title: string; hint: string; children: ReactNode }) {
  return (
    <div className="min-w-0 space-y-1">
      <label htmlFor={id} className={label}>
        {title}
      </label>
      {children}
      <p id={`${id}-hint`} className={`text-xs ${muted}`}>
        {hint}
      </p>
    </div>
  );
}

/**
 * The filters as a GET form, so they live in the URL (shareable, reloadable, back and forward). The key
 * remounts the form when the URL changes under it, e.g. after "Clear".
 */
export function AuditFilterForm({ params }: { params: AuditFilterParams }) {
  return (
    <Form
      key={new URLSearchParams(params).toString()}
      action="/audit"
      aria-label="Filter the audit log"
      className={`${panel} space-y-3`}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Field id="audit-action" title="Action" hint="Starts with, e.g. action. or user.set-role">
          <input
            id="audit-action"
            name="action"
            list="audit-action-prefixes"
            defaultValue={params.action}
            aria-describedby="audit-action-hint"
            autoComplete="off"
            spellCheck={false}
            className={input}
          />
          <datalist id="audit-action-prefixes">
            {actionPrefixes.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </Field>
        <Field id="audit-actor" title="Actor" hint="Part of the email, any case">
          <input
            id="audit-actor"
            name="actor"
            defaultValue={params.actor}
            aria-describedby="audit-actor-hint"
            autoComplete="off"
            spellCheck={false}
            className={input}
          />
        </Field>
        <Field id="audit-target" title="Target" hint="Part of the target, e.g. #12 or db.promote-replica">
          <input
            id="audit-target"
            name="target"
            defaultValue={params.target}
            aria-describedby="audit-target-hint"
            autoComplete="off"
            spellCheck={false}
            className={input}
          />
        </Field>
        <Field id="audit-from" title="From (UTC)" hint="On or after this moment">
          <input
            id="audit-from"
            name="from"
            type="datetime-local"
            step={1}
            defaultValue={toDatetimeLocal(params.from)}
            aria-describedby="audit-from-hint"
            className={input}
          />
        </Field>
        <Field id="audit-to" title="To (UTC)" hint="On or before this moment">
          <input
            id="audit-to"
            name="to"
            type="datetime-local"
            step={1}
            defaultValue={toDatetimeLocal(params.to)}
            aria-describedby="audit-to-hint"
            className={input}
          />
        </Field>
        <Field id="audit-limit" title="Rows" hint={`Newest first, up to ${auditLimitMax}`}>
          <input
            id="audit-limit"
            name="limit"
            type="number"
            inputMode="numeric"
            min={1}
            max={auditLimitMax}
            placeholder={String(auditLimitDefault)}
            defaultValue={params.limit}
            aria-describedby="audit-limit-hint"
            className={input}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className={btnPrimary}>
          Apply filters
        </button>
        <Link href="/audit" className={btnSecondary}>
          Clear
        </Link>
      </div>
    </Form>
  );
}
