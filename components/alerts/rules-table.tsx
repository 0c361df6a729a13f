"use client";

import { startTransition, useActionState, useId } from "react";
import type { ActionResult } from "@/lib/action-result";
import type { AlertRuleDef, RuleSettings } from "@/lib/alert-rules";
import { formatDuration } from "@/lib/units";
import { StackCell, StackRow, StackTable } from "@/components/fleet/stack-table";
import { SeverityBadge } from "./severity-badge";

export type RuleSettingsResult = ActionResult<{
  ruleId: string;
  threshold: number | null;
  forSeconds: number;
  enabled: boolean;
}>;
type Action = (prev: RuleSettingsResult | null, form: FormData) => Promise<RuleSettingsResult>;

const unitText = (unit: string) => (unit === "%" ? " %" : unit ? ` ${unit}` : "");

/**
 * The runbook's alert rules with their settings now. Admins get a form per row (threshold, `for`, on/off);
 * everyone else reads them.
 */
export function RulesTable({
  rules,
  action,
}: {
  rules: { def: AlertRuleDef; settings: RuleSettings }[];
  action: Action | null;
}) {
  const columns = ["Rule", "Expression", "Threshold", "For", "Enabled", ...(action ? [""] : [])];
  return (
    <StackTable label="Alert rules" columns={columns}>
      {rules.map((r) =>
        action ? <EditableRule key={r.def.id} {...r} action={action} /> : <ReadOnlyRule key={r.def.id} {...r} />,
      )}
    </StackTable>
  );
}

function RuleName({ def }: { def: AlertRuleDef }) {
  return (
    <>
      <span className="flex flex-wrap items-center gap-2">
        {def.name} <SeverityBadge severity={def.severity} />
      </span>
      <span className="mt-0.5 block max-w-xs text-xs font-normal text-slate-500 dark:text-slate-400">
        {def.description}
      </span>
    </>
  );
}

function Expr({ def }: { def: AlertRuleDef }) {
  return (
    <code className="rounded bg-slate-100 px-1 py-0.5 text-xs [overflow-wrap:anywhere] text-slate-800 dark:bg-slate-800 dark:text-slate-200">
      {def.expr}
    </code>
  );
}

function ReadOnlyRule({ def, settings }: { def: AlertRuleDef; settings: RuleSettings }) {
  return (
    <StackRow
      data-testid={`rule-${def.id}`}
      data-enabled={String(settings.enabled)}
      data-threshold={settings.threshold ?? ""}
    >
      <StackCell label="Rule" head>
        <RuleName def={def} />
      </StackCell>
      <StackCell label="Expression">
        <Expr def={def} />
      </StackCell>
      <StackCell label="Threshold" testId="rule-threshold">
        {settings.threshold == null ? "—" : `${def.comparator ?? ""} ${settings.threshold}${unitText(def.unit)}`.trim()}
      </StackCell>
      <StackCell label="For" testId="rule-for">
        {settings.forSeconds === 0 ? "at once" : formatDuration(settings.forSeconds * 1000)}
      </StackCell>
      <StackCell label="Enabled" testId="rule-enabled">
        {settings.enabled ? "yes" : <span className="text-amber-700 dark:text-amber-300">no</span>}
      </StackCell>
    </StackRow>
  );
}

const inputClass =
  "w-24 rounded-md border border-slate-300 bg-white px-2 py-1 text-right text-sm tabular-nums focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-700 dark:bg-slate-950";

function EditableRule({ def, settings, action }: { def: AlertRuleDef; settings: RuleSettings; action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const formId = `rule-form-${useId()}`;
  return (
    <StackRow
      data-testid={`rule-${def.id}`}
      data-enabled={String(settings.enabled)}
      data-threshold={settings.threshold ?? ""}
    >
      <StackCell label="Rule" head>
        <RuleName def={def} />
      </StackCell>
      <StackCell label="Expression">
        <Expr def={def} />
      </StackCell>
      <StackCell label="Threshold">
        {def.comparator === null ? (
          <span className="text-slate-500 dark:text-slate-400">none</span>
        ) : (
          <span className="inline-flex items-center gap-1">
            <span aria-hidden className="text-slate-500">
              {def.comparator}
            </span>
            <input
              form={formId}
              name="threshold"
              type="number"
              inputMode="decimal"
              step="any"
              min={0}
              max={def.unit === "%" ? 100 : undefined}
              required
              defaultValue={settings.threshold ?? ""}
              aria-label={`Threshold for ${def.name}${def.unit ? ` (${def.unit === "%" ? "percent" : def.unit === "s" ? "seconds" : def.unit})` : ""}`}
              className={inputClass}
            />
            <span className="text-slate-500">{def.unit}</span>
          </span>
        )}
      </StackCell>
      <StackCell label="For">
        <span className="inline-flex items-center gap-1">
          <input
            form={formId}
            name="forSeconds"
            type="number"
            inputMode="numeric"
            step={1}
            min={0}
            max={86_400}
            required
            defaultValue={settings.forSeconds}
            aria-label={`For how many seconds ${def.name} must hold before it fires`}
            className={inputClass}
          />
          <span className="text-slate-500">s</span>
        </span>
      </StackCell>
      <StackCell label="Enabled">
        <input
          form={formId}
          name="enabled"
          type="checkbox"
          defaultChecked={settings.enabled}
          aria-label={`${def.name} enabled`}
          className="h-4 w-4 accent-sky-700 focus-visible:outline-2 focus-visible:outline-sky-500"
        />
      </StackCell>
      <StackCell label="">
        {/* Submitted by hand, not through `action`: React resets a form after its action, which would throw away a value that failed validation. */}
        <form
          id={formId}
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            startTransition(() => formAction(data));
          }}
          className="flex flex-wrap items-center justify-end gap-2 md:justify-start"
        >
          <input type="hidden" name="ruleId" value={def.id} />
          <button
            type="submit"
            disabled={pending}
            className="rounded-md bg-sky-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
          >
            {pending ? "Saving…" : "Save"}
          </button>
          <span role="status" className="text-sm">
            {state?.ok === true && <span className="text-emerald-700 dark:text-emerald-300">Saved</span>}
            {state?.ok === false && <span className="text-red-700 dark:text-red-300">{state.message}</span>}
          </span>
        </form>
      </StackCell>
    </StackRow>
  );
}
