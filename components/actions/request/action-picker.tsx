"use client";

import { input, label, muted } from "@/components/incidents/styles";
import { actionCatalog, type ActionId } from "@/lib/actions/catalog";
import { RiskBadge } from "@/components/actions/badges";
import { actionGroups } from "@/components/actions/request/form-params";

/** The action to request, grouped by what it acts on; high-risk ones say that they need an approval. */
export function ActionPicker({ value, onChange }: { value: ActionId | null; onChange: (id: ActionId) => void }) {
  return (
    <div>
      <label htmlFor="action-id" className={label}>
        Action
      </label>
      <select
        id="action-id"
        name="action"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value as ActionId)}
        className={input}
        aria-describedby={value ? "action-summary" : undefined}
      >
        {!value && (
          <option value="" disabled>
            Choose an action…
          </option>
        )}
        {actionGroups.map((g) => (
          <optgroup key={g.prefix} label={g.label}>
            {g.ids.map((id) => (
              <option key={id} value={id}>
                {actionCatalog[id].title} ({id}){actionCatalog[id].risk === "high" ? " · needs approval" : ""}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/** What the chosen action does, how risky it is and how it is undone. */
export function ActionSummary({ actionId }: { actionId: ActionId }) {
  const meta = actionCatalog[actionId];
  return (
    <div
      id="action-summary"
      data-testid="action-summary"
      className="space-y-1.5 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm dark:border-slate-800 dark:bg-slate-950/40"
    >
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">{meta.title}</span>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{meta.id}</span>
        <RiskBadge risk={meta.risk} />
      </p>
      <p>{meta.summary}</p>
      <p className={muted}>
        <span className="font-medium text-slate-700 dark:text-slate-300">Undo: </span>
        {meta.reverse}
      </p>
    </div>
  );
}
