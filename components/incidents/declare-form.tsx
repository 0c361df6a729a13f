"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { DeclarePrefill } from "@/lib/incident-view";
import { severities, severityLabels, severityMeaning, type Severity } from "@/lib/severity";
import type { DeclareAction, Lead } from "./action-types";
import { btnPrimary, input, label, muted, panel } from "./styles";

export type ScenarioOption = { id: string; title: string; summary: string; defaultSeverity: Severity | null };
export type RegionOption = { id: string; displayName: string };

/**
 * Declares an incident: what, which scenario of the runbook, how severe (with what each severity means), the
 * impact, the regions and who leads. Prefilled from an alert when declared from one; opens the new incident.
 */
export function DeclareForm({
  scenarios,
  regions,
  leads,
  defaultLeadId,
  prefill,
  drillId = null,
  declare,
}: {
  scenarios: ScenarioOption[];
  regions: RegionOption[];
  leads: Lead[];
  defaultLeadId: string;
  prefill: DeclarePrefill | null;
  /** the running drill this declares the incident of: it pages the drill's participants only */
  drillId?: number | null;
  declare: DeclareAction;
}) {
  const router = useRouter();
  const [title, setTitle] = useState(prefill?.title ?? "");
  const [scenarioId, setScenarioId] = useState(prefill?.scenarioId ?? "");
  const [severity, setSeverity] = useState<Severity>(prefill?.severity ?? "P2");
  const [severityTouched, setSeverityTouched] = useState(!!prefill);
  const [impact, setImpact] = useState(prefill?.impact ?? "");
  const [picked, setPicked] = useState<string[]>(prefill?.regions ?? []);
  const [leadId, setLeadId] = useState(
    leads.some((l) => l.id === defaultLeadId) ? defaultLeadId : (leads[0]?.id ?? ""),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scenario = scenarios.find((s) => s.id === scenarioId);

  return (
    <form
      aria-label="Declare an incident"
      className={`${panel} space-y-5`}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const r = await declare({
            title,
            scenarioId: scenarioId || null,
            severity,
            impact,
            regions: picked,
            leadId,
            fromAlertId: prefill?.fromAlertId ?? null,
            drillId,
          });
          if (r.ok) {
            router.push(`/incidents/${r.data.id}`);
            return;
          }
          setError(r.message);
        } catch {
          setError("The console did not answer; the incident was not declared. Try again.");
        }
        setBusy(false);
      }}
    >
      <div>
        <label htmlFor="declare-title" className={label}>
          Title
        </label>
        <input
          id="declare-title"
          required
          minLength={3}
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder="e.g. Primary database in us-east-1 refuses connections"
          className={input}
        />
      </div>

      <div>
        <label htmlFor="declare-scenario" className={label}>
          Scenario
        </label>
        <select
          id="declare-scenario"
          value={scenarioId}
          onChange={(e) => {
            setScenarioId(e.target.value);
            const s = scenarios.find((x) => x.id === e.target.value);
            if (s?.defaultSeverity && !severityTouched) setSeverity(s.defaultSeverity);
          }}
          className={input}
        >
          <option value="">None (the response procedure only)</option>
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        <p className={`mt-1 text-xs ${muted}`}>
          {scenario ? scenario.summary : "A scenario adds its own steps to the checklist."}
        </p>
      </div>

      <fieldset>
        <legend className={label}>Severity</legend>
        <div className="mt-1 grid gap-2 sm:grid-cols-2">
          {severities.map((s) => (
            <label
              key={s}
              className="flex cursor-pointer gap-2 rounded-lg border border-slate-200 p-2.5 has-checked:border-sky-600 has-checked:bg-sky-50 has-checked:ring-1 has-checked:ring-sky-600 has-focus-visible:outline-2 has-focus-visible:outline-sky-500 dark:border-slate-700 dark:has-checked:border-sky-500 dark:has-checked:bg-sky-950/50"
            >
              <input
                type="radio"
                name="severity"
                value={s}
                checked={severity === s}
                onChange={() => {
                  setSeverity(s);
                  setSeverityTouched(true);
                }}
                aria-describedby={`severity-${s}-meaning`}
                className="mt-0.5 accent-sky-700"
              />
              <span>
                <span className="block text-sm font-semibold">{severityLabels[s]}</span>
                <span id={`severity-${s}-meaning`} className={`block text-xs ${muted}`}>
                  {severityMeaning[s]}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div>
        <label htmlFor="declare-impact" className={label}>
          Impact
        </label>
        <textarea
          id="declare-impact"
          rows={3}
          maxLength={2000}
          value={impact}
          onChange={(e) => setImpact(e.target.value)}
          placeholder="Who is affected and how: e.g. uploads fail for users in North America"
          className={input}
        />
      </div>

      <fieldset>
        <legend className={label}>Affected regions</legend>
        {regions.length ? (
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
            {regions.map((r) => (
              <label key={r.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="regions"
                  value={r.id}
                  checked={picked.includes(r.id)}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id] : p.filter((x) => x !== r.id)))}
                  className="h-4 w-4 accent-sky-700"
                />
                <span className="font-mono">{r.id}</span>
                <span className={`text-xs ${muted}`}>{r.displayName}</span>
              </label>
            ))}
          </div>
        ) : (
          <p className={`mt-1 text-sm ${muted}`}>The fleet file lists no regions.</p>
        )}
      </fieldset>

      <div>
        <label htmlFor="declare-lead" className={label}>
          Incident lead
        </label>
        <select id="declare-lead" value={leadId} onChange={(e) => setLeadId(e.target.value)} className={input} required>
          {leads.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name} ({l.email}){l.id === defaultLeadId ? " · you" : ""}
            </option>
          ))}
        </select>
      </div>

      {error && (
        <p
          role="alert"
          className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/60 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={`${btnPrimary} px-4 py-2`}>
          {busy ? "Declaring…" : drillId ? "Declare the drill's incident" : "Declare incident"}
        </button>
        <span className={`text-xs ${muted}`}>
          {drillId
            ? "Declaring starts the phase clocks and pages the drill's participants, nobody else."
            : "Declaring starts the phase clocks and pages the on-call engineer."}
        </span>
      </div>
    </form>
  );
}
