"use client";

import { useState } from "react";
import { CopyButton } from "@/components/incidents/copy-button";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import { liveCheckLabel } from "@/lib/live-checks";
import type { Runbook } from "@/lib/runbook-schema";
import { phaseLabels } from "@/lib/severity";

/**
 * A runbook as a checklist to work through: sections of steps with their commands, actions and live checks.
 * Ticks here are the reader's own (not stored); an incident's checklist is the recorded one. A live check's
 * words name the thresholds it judges by: the alert rules' `ruleSettings`.
 */
export function RunbookChecklist({ runbook, ruleSettings }: { runbook: Runbook; ruleSettings: RuleSettingsMap }) {
  const [done, setDone] = useState<Set<string>>(new Set());
  const total = runbook.sections.reduce((n, s) => n + s.steps.length, 0);
  const toggle = (id: string) =>
    setDone((d) => {
      const next = new Set(d);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400" role="status">
        {done.size} of {total} steps done
      </p>
      {runbook.sections.map((section, si) => (
        <section
          key={si}
          aria-labelledby={`section-${si}`}
          className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id={`section-${si}`} className="mb-2 font-semibold">
            {section.phase ? `${phaseLabels[section.phase]} · ` : ""}
            {section.title}
          </h2>
          <ol className="space-y-3">
            {section.steps.map((step) => (
              <li key={step.id} data-testid={`runbook-step-${step.id}`} className="flex gap-3">
                <input
                  type="checkbox"
                  id={`step-${step.id}`}
                  checked={done.has(step.id)}
                  onChange={() => toggle(step.id)}
                  className="mt-1 h-4 w-4 shrink-0 accent-sky-700"
                />
                <div className="min-w-0 flex-1 space-y-1">
                  <label
                    htmlFor={`step-${step.id}`}
                    className={`font-medium ${done.has(step.id) ? "text-slate-500 line-through" : ""}`}
                  >
                    {step.title}
                  </label>
                  {step.severities && (
                    <span className="ml-2 text-xs text-slate-500">only {step.severities.join(", ")}</span>
                  )}
                  {step.detail && <p className="text-sm text-slate-600 dark:text-slate-400">{step.detail}</p>}
                  {step.command && (
                    <div className="flex items-start gap-2">
                      <pre className="min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-100 p-2 text-xs whitespace-pre-wrap break-all dark:bg-slate-800">
                        <code>{step.command}</code>
                      </pre>
                      <CopyButton text={step.command} small />
                    </div>
                  )}
                  <div className="flex flex-wrap gap-2 text-xs">
                    {step.action && (
                      <span className="rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800">action {step.action}</span>
                    )}
                    {step.check && (
                      <span className="rounded bg-sky-50 px-1.5 py-0.5 text-sky-900 dark:bg-sky-900/40 dark:text-sky-100">
                        live check: {liveCheckLabel(step.check.id, ruleSettings)}
                      </span>
                    )}
                  </div>
                </div>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
