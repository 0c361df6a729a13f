"use client";

import { useState } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import { InBrowser } from "@/components/ui/in-browser";
import type { Incident, PageState } from "@/lib/incident";
import { formatDuration } from "@/lib/units";
import type { IncidentActions } from "./action-types";
import { btnPrimary, panel } from "./styles";

function pageState(p: PageState): "sent" | "cancelled" | "pending" {
  return p.sentAt ? "sent" : p.cancelledAt ? "cancelled" : "pending";
}

const stateStyles = {
  sent: "bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-200",
  cancelled: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  pending: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200",
};

/** The pages the escalation chain sends for this incident, and the acknowledgement that stops the backup page. */
export function EscalationPanel({
  incident,
  pages,
  ackBy,
  now,
  canAcknowledge,
  acknowledge,
  refresh,
}: {
  incident: Incident;
  pages: PageState[];
  ackBy: string | null;
  now: number;
  canAcknowledge: boolean;
  acknowledge: IncidentActions["acknowledge"];
  refresh: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="escalation-heading" data-testid="escalation" className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="escalation-heading" className="text-lg font-semibold">
          Escalation
        </h2>
        {!incident.acknowledgedAt && canAcknowledge && (
          <button
            type="button"
            disabled={busy}
            className={btnPrimary}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                const r = await acknowledge({ id: incident.id });
                if (!r.ok) setError(r.message);
              } catch {
                setError("The console did not answer; try again.");
              } finally {
                setBusy(false);
                refresh();
              }
            }}
          >
            {busy ? "Acknowledging…" : "Acknowledge"}
          </button>
        )}
      </div>
      <p data-testid="ack-state" className="text-sm">
        {incident.acknowledgedAt ? (
          <span className="text-emerald-800 dark:text-emerald-300">
            ✓ Acknowledged{ackBy ? ` by ${ackBy}` : ""} after{" "}
            {formatDuration(Date.parse(incident.acknowledgedAt) - Date.parse(incident.declaredAt), "ticking")} ·{" "}
            <Timestamp iso={incident.acknowledgedAt} />
          </span>
        ) : (
          <span className="font-medium text-amber-800 dark:text-amber-300">Not acknowledged yet</span>
        )}
      </p>
      {error && (
        <p
          role="alert"
          className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          {error}
        </p>
      )}
      {pages.length ? (
        <ol className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {pages.map((p) => {
            const state = pageState(p);
            const dueIn = Date.parse(p.dueAt) - now;
            return (
              <li key={p.level} data-testid="page" data-state={state} className="space-y-0.5 py-2 first:pt-0 last:pb-0">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium">
                    {p.target}
                    {p.contact && (
                      <span className="font-normal text-slate-600 dark:text-slate-400"> · {p.contact}</span>
                    )}
                  </span>
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${stateStyles[state]}`}>{state}</span>
                </div>
                <div className="text-xs text-slate-600 dark:text-slate-400">
                  {state === "sent" && p.sentAt ? (
                    <>
                      Paged <Timestamp iso={p.sentAt} show="full" />
                      {p.delivery && (
                        <span className={p.delivery === "delivered" ? "" : " text-amber-800 dark:text-amber-300"}>
                          {" "}
                          · {p.delivery}
                        </span>
                      )}
                    </>
                  ) : state === "cancelled" && p.cancelledAt ? (
                    <>
                      Not needed · cancelled <Timestamp iso={p.cancelledAt} show="full" />
                    </>
                  ) : (
                    <>
                      Due <Timestamp iso={p.dueAt} show="full" />
                      <InBrowser>
                        <span className="tabular-nums">
                          {" "}
                          · {dueIn > 0 ? `in ${formatDuration(dueIn, "countdown")}` : "sending"}
                        </span>
                      </InBrowser>
                    </>
                  )}
                  {p.onlyIfUnacknowledged && state === "pending" && <span> · only if nobody acknowledges</span>}
                </div>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No pages for this incident: the escalation chain has no level for {incident.severity}.
        </p>
      )}
    </section>
  );
}
