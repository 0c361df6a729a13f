"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type * as alertActions from "@/app/(console)/alerts/actions";
import { Timestamp } from "@/components/fleet/timestamp";
import type { AlertGroupView } from "@/lib/alert-groups";
import { severityLabels } from "@/lib/severity";

/** The alert-group server actions as client components call them (type imports only; the page passes the real ones). */
export interface AlertGroupActions {
  acknowledge: typeof alertActions.acknowledgeAlertGroup;
  confirm: typeof alertActions.confirmTriageIncident;
  dismiss: typeof alertActions.dismissTriageIncident;
}

const button =
  "rounded-md px-2 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60";

/** Who was paged and how it went: the newest sent page, else the next one due. */
function PageLine({ group }: { group: AlertGroupView }) {
  const sent = group.pages.filter((p) => p.sentAt);
  const last = sent[sent.length - 1];
  const next = group.pages.find((p) => !p.sentAt && !p.cancelled);
  if (!last && !next) return null;
  return (
    <p data-testid="group-page" className="text-xs text-slate-700 dark:text-slate-300">
      {last ? (
        <>
          Paged {last.target}
          {last.recipient ? ` (${last.recipient})` : " (nobody on call)"} <Timestamp iso={last.sentAt!} />
          {last.delivery?.startsWith("not delivered") && (
            <span className="text-red-800 dark:text-red-300"> · {last.delivery}</span>
          )}
        </>
      ) : (
        "Not paged yet"
      )}
      {next && !group.acknowledgedAt && (
        <>
          {" "}
          · next: {next.target} at <Timestamp iso={next.dueAt} /> unless acknowledged
        </>
      )}
    </p>
  );
}

/** A group opened inside a maintenance window that covers its alert: expected, it paged nobody. */
function ExpectedLine({ window }: { window: NonNullable<AlertGroupView["maintenanceWindow"]> }) {
  return (
    <p data-testid="group-expected" className="text-xs text-sky-900 dark:text-sky-200">
      Expected: maintenance{" "}
      <Link href="/maintenance" className="underline underline-offset-2">
        {window.title}
      </Link>{" "}
      until <Timestamp iso={window.endsAt} show="full" /> · nobody paged
    </p>
  );
}

/**
 * An alert group's head on the overview: its cause, whom it paged, the acknowledgement that stops the escalation,
 * and the triage incident a lead confirms or dismisses with one click.
 */
export function AlertGroupHeader({
  group,
  actions,
  canAcknowledge,
  canDecide,
}: {
  group: AlertGroupView;
  actions?: AlertGroupActions;
  canAcknowledge: boolean;
  canDecide: boolean;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: string, call: () => Promise<{ ok: boolean; message?: string; data?: unknown }>) => {
    setBusy(what);
    setError(null);
    try {
      const r = await call();
      if (!r.ok) setError(r.message ?? "Refused.");
      else if (what === "confirm") router.push(`/incidents/${(r.data as { id: number }).id}`);
    } catch {
      setError("The console did not answer; try again.");
    } finally {
      setBusy(null);
    }
  };
  const triage = group.triage;
  const consequences = group.alerts.length - 1;
  return (
    <div data-testid="alert-group-head" className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-semibold" data-testid="alert-group-title">
          {group.title}
        </h3>
        {consequences > 0 && (
          <span className="text-xs text-slate-600 dark:text-slate-400">
            and {consequences} consequence{consequences === 1 ? "" : "s"}
          </span>
        )}
        {group.acknowledgedAt ? (
          <span data-testid="group-ack" className="text-xs text-emerald-800 dark:text-emerald-300">
            ✓ Acknowledged{group.acknowledgedBy ? ` by ${group.acknowledgedBy}` : ""}
          </span>
        ) : (
          canAcknowledge &&
          actions &&
          group.pages.some((p) => p.sentAt) && (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => run("ack", () => actions.acknowledge({ groupId: group.id }))}
              className={`${button} border border-slate-400 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800`}
            >
              {busy === "ack" ? "Acknowledging…" : "Acknowledge page"}
            </button>
          )
        )}
      </div>
      {group.maintenanceWindow ? <ExpectedLine window={group.maintenanceWindow} /> : <PageLine group={group} />}
      {triage?.state === "proposed" && (
        <div
          data-testid="triage-proposal"
          className="flex flex-wrap items-center gap-2 rounded-lg border border-amber-300 bg-amber-50 px-2 py-1.5 text-sm dark:border-amber-800 dark:bg-amber-950/40"
        >
          <span>
            Triage incident proposed: <strong>{severityLabels[triage.severity]}</strong>
            {triage.scenarioId && <> · {triage.scenarioId}</>} · lead {triage.lead?.name ?? "you"}
          </span>
          {canDecide && actions && (
            <>
              <button
                type="button"
                disabled={busy !== null}
                onClick={() => run("confirm", () => actions.confirm({ groupId: group.id }))}
                className={`${button} bg-red-700 text-white hover:bg-red-800 dark:bg-red-600`}
              >
                {busy === "confirm" ? "Declaring…" : "Confirm incident"}
              </button>
              <button
                type="button"
                disabled={busy !== null}
                onClick={() => run("dismiss", () => actions.dismiss({ groupId: group.id }))}
                className={`${button} border border-slate-400 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800`}
              >
                {busy === "dismiss" ? "Dismissing…" : "Dismiss"}
              </button>
            </>
          )}
        </div>
      )}
      {triage?.state === "confirmed" && triage.incidentId !== null && (
        <p className="text-xs">
          <Link href={`/incidents/${triage.incidentId}`} className="text-sky-800 underline dark:text-sky-300">
            Incident declared
          </Link>
          {triage.decidedBy ? ` by ${triage.decidedBy}` : ""}
        </p>
      )}
      {triage?.state === "dismissed" && (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Not an incident{triage.decidedBy ? `: dismissed by ${triage.decidedBy}` : ""}
        </p>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-800 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
