"use client";

import Link from "@/components/ui/link";
import { useState } from "react";
import { Fact } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { drillRef } from "@/lib/drills";
import { incidentRef } from "@/lib/ids";
import { statusLabels, statusTransitions, type Incident, type IncidentStatus } from "@/lib/incident";
import { severities, severityLabels, severityMeaning, type Severity } from "@/lib/severity";
import type { IncidentActions, Lead } from "./action-types";
import { DrillBadge, IncidentSeverityBadge, IncidentStatusBadge } from "./badges";
import { btnDanger, btnPrimary, btnSecondary, btnSuccess, input, label, link, panel } from "./styles";

const moveLabel = (from: IncidentStatus, to: IncidentStatus) =>
  from === "resolved"
    ? "Reopen"
    : to === "resolved"
      ? "Resolve"
      : to === "investigating"
        ? "Back to Investigating"
        : `Move to ${statusLabels[to]}`;

const moveStyle = (from: IncidentStatus, to: IncidentStatus) =>
  from === "resolved" ? btnDanger : to === "resolved" ? btnSuccess : btnSecondary;

/** Who, what and where, the status control, hand-over and the details the comms and post-mortem use. */
export function IncidentHeader({
  incident,
  leads,
  canLead,
  actions,
  refresh,
}: {
  incident: Incident;
  leads: Lead[];
  canLead: boolean;
  actions: Pick<IncidentActions, "changeStatus" | "handOver" | "updateDetails">;
  refresh: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState(false);

  async function run(work: () => Promise<{ ok: true } | { ok: false; message: string }>, done: string) {
    setBusy(true);
    setMessage(null);
    try {
      const r = await work();
      setMessage(r.ok ? { ok: true, text: done } : { ok: false, text: r.message });
      return r.ok;
    } catch {
      setMessage({ ok: false, text: "The console did not answer; try again." });
      return false;
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <header className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-mono font-semibold text-slate-600 dark:text-slate-300" data-testid="incident-id">
              {incidentRef(incident.id)}
            </span>
            <IncidentSeverityBadge severity={incident.severity} long />
            <IncidentStatusBadge status={incident.status} />
            {incident.drillId !== null && <DrillBadge />}
          </p>
          <h1 className="text-xl font-semibold break-words sm:text-2xl">{incident.title}</h1>
          {incident.drillId !== null && (
            <p className="text-sm text-violet-900 dark:text-violet-200" data-testid="drill-note">
              An exercise: the incident of{" "}
              <Link href={`/drills/${incident.drillId}`} className={link}>
                {drillRef(incident.drillId)}
              </Link>
              . Its pages go to the drill&apos;s participants only.
            </p>
          )}
        </div>
        {canLead && (
          <div className="flex flex-wrap gap-2" role="group" aria-label="Change status">
            {statusTransitions[incident.status].map((to) => (
              <button
                key={to}
                type="button"
                disabled={busy}
                className={moveStyle(incident.status, to)}
                onClick={() =>
                  void run(
                    () => actions.changeStatus({ id: incident.id, status: to, expectedStatus: incident.status }),
                    incident.status === "resolved" ? "Reopened." : `Now ${statusLabels[to]}.`,
                  )
                }
              >
                {moveLabel(incident.status, to)}
              </button>
            ))}
          </div>
        )}
      </div>

      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:gap-x-6 lg:grid-cols-4">
        <Fact layout="stacked" label="Incident lead">
          <span data-testid="incident-lead">{incident.lead.name}</span>
        </Fact>
        <Fact layout="stacked" label="Scenario">
          {incident.scenarioTitle ?? <span className="text-slate-500 dark:text-slate-400">none</span>}
        </Fact>
        <Fact layout="stacked" label="Regions">
          {incident.regions.length ? (
            incident.regions.join(", ")
          ) : (
            <span className="text-slate-500 dark:text-slate-400">none named</span>
          )}
        </Fact>
        <Fact layout="stacked" label="Declared">
          <Timestamp iso={incident.declaredAt} stack />
          {incident.declaredBy && (
            <span className="block text-xs text-slate-500 dark:text-slate-400">by {incident.declaredBy}</span>
          )}
        </Fact>
        <Fact layout="stacked" label="Impact" wide>
          {incident.impact || <span className="text-slate-500 dark:text-slate-400">not described yet</span>}
        </Fact>
        <Fact layout="stacked" label="ETA">
          {incident.eta || <span className="text-slate-500 dark:text-slate-400">unknown</span>}
        </Fact>
        <Fact layout="stacked" label="Root cause">
          {incident.rootCause || <span className="text-slate-500 dark:text-slate-400">not known yet</span>}
        </Fact>
        {incident.resolvedAt && (
          <Fact layout="stacked" label="Resolved">
            <Timestamp iso={incident.resolvedAt} stack />
          </Fact>
        )}
      </dl>

      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          data-testid="header-message"
          className={`rounded px-2 py-1 text-sm ${message.ok ? "text-emerald-800 dark:text-emerald-300" : "bg-amber-50 text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"}`}
        >
          {message.text}
        </p>
      )}

      {canLead && (
        <div className="flex flex-wrap items-end gap-x-4 gap-y-3 border-t border-slate-100 pt-3 dark:border-slate-800">
          <HandOver
            incident={incident}
            leads={leads}
            busy={busy}
            onHandOver={(leadId) => run(() => actions.handOver({ id: incident.id, leadId }), "Handed over.")}
          />
          {!editing && (
            <button type="button" className={btnSecondary} onClick={() => setEditing(true)}>
              Edit impact, ETA, root cause, severity
            </button>
          )}
        </div>
      )}
      {canLead && editing && (
        <DetailsForm
          incident={incident}
          busy={busy}
          onCancel={() => setEditing(false)}
          onSave={async (d) => {
            if (await run(() => actions.updateDetails({ id: incident.id, ...d }), "Details saved.")) setEditing(false);
          }}
        />
      )}
    </header>
  );
}

function HandOver({
  incident,
  leads,
  busy,
  onHandOver,
}: {
  incident: Incident;
  leads: Lead[];
  busy: boolean;
  onHandOver: (leadId: string) => Promise<boolean>;
}) {
  const others = leads.filter((l) => l.id !== incident.lead.id);
  const [leadId, setLeadId] = useState("");
  if (!others.length) return null;
  return (
    <form
      className="flex w-full items-end gap-2 sm:w-auto"
      onSubmit={async (e) => {
        e.preventDefault();
        if (leadId && (await onHandOver(leadId))) setLeadId("");
      }}
    >
      <div className="min-w-0 flex-1">
        <label htmlFor="hand-over" className={label}>
          Hand over to
        </label>
        <select
          id="hand-over"
          value={leadId}
          onChange={(e) => setLeadId(e.target.value)}
          className={`${input} sm:w-auto`}
        >
          <option value="">Pick a lead…</option>
          {others.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name} ({l.email})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={busy || !leadId} className={`${btnSecondary} shrink-0`}>
        Hand over
      </button>
    </form>
  );
}

function DetailsForm({
  incident,
  busy,
  onSave,
  onCancel,
}: {
  incident: Incident;
  busy: boolean;
  onSave: (d: { impact: string; eta: string; rootCause: string; severity: Severity }) => Promise<void>;
  onCancel: () => void;
}) {
  const [d, setD] = useState({
    impact: incident.impact,
    eta: incident.eta,
    rootCause: incident.rootCause,
    severity: incident.severity,
  });
  return (
    <form
      aria-label="Incident details"
      className="grid gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(d);
      }}
    >
      <div>
        <label htmlFor="details-severity" className={label}>
          Severity
        </label>
        <select
          id="details-severity"
          value={d.severity}
          onChange={(e) => setD({ ...d, severity: e.target.value as Severity })}
          className={input}
        >
          {severities.map((s) => (
            <option key={s} value={s}>
              {severityLabels[s]}
            </option>
          ))}
        </select>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {severityMeaning[d.severity]}. Changing it re-times the phase clocks.
        </p>
      </div>
      <div>
        <label htmlFor="details-eta" className={label}>
          ETA
        </label>
        <input
          id="details-eta"
          value={d.eta}
          maxLength={200}
          placeholder="e.g. 30 min, 14:30 UTC"
          onChange={(e) => setD({ ...d, eta: e.target.value })}
          className={input}
        />
      </div>
      <div className="sm:col-span-2">
        <label htmlFor="details-impact" className={label}>
          Impact
        </label>
        <textarea
          id="details-impact"
          rows={2}
          value={d.impact}
          maxLength={2000}
          onChange={(e) => setD({ ...d, impact: e.target.value })}
          className={input}
        />
      </div>
      <div className="sm:col-span-2">
        <label htmlFor="details-root-cause" className={label}>
          Root cause
        </label>
        <textarea
          id="details-root-cause"
          rows={2}
          value={d.rootCause}
          maxLength={5000}
          onChange={(e) => setD({ ...d, rootCause: e.target.value })}
          className={input}
        />
      </div>
      <div className="flex gap-2 sm:col-span-2">
        <button type="submit" disabled={busy} className={btnPrimary}>
          {busy ? "Saving…" : "Save details"}
        </button>
        <button type="button" onClick={onCancel} className={btnSecondary}>
          Cancel
        </button>
      </div>
    </form>
  );
}
