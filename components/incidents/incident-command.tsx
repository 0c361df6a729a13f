"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import type { IncidentDetail } from "@/lib/incident";
import { nextStepKey } from "@/lib/incident-view";
import { phaseClocksFor } from "@/lib/phase-clocks";
import { incidentQuery } from "@/lib/queries";
import { phaseLabels } from "@/lib/severity";
import { formatDuration } from "@/lib/units";
import { InBrowser } from "@/components/ui/in-browser";
import { useServerNow } from "@/components/ui/use-server-now";
import type { Capabilities, IncidentActions, Lead } from "./action-types";
import { Checklist } from "./checklist";
import { CommsPanel } from "./comms-panel";
import { EscalationPanel } from "./escalation-panel";
import { IncidentHeader } from "./incident-header";
import { PhaseClocks } from "./phase-clocks";
import { PostmortemPanel } from "./postmortem-panel";
import { Timeline } from "./timeline";

/**
 * The incident lead's command view. Everything comes from the one incident query, which the server
 * prefetched and the console's event stream refreshes on every change, so every open page shows the same
 * incident within a second. Controls appear only for the roles that may use them.
 */
export function IncidentCommand({
  id,
  caps,
  leads,
  ruleSettings,
  actions,
}: {
  id: number;
  caps: Capabilities;
  leads: Lead[];
  ruleSettings: RuleSettingsMap;
  actions: IncidentActions;
}) {
  const { data, dataUpdatedAt, error } = useQuery(incidentQuery(id));
  if (!data) {
    return (
      <p role={error ? "alert" : "status"} className="text-sm text-slate-600 dark:text-slate-400">
        {error ? `The incident could not be loaded: ${error.message}` : "Loading…"}
      </p>
    );
  }
  return (
    <CommandView
      detail={data}
      fetchedAt={dataUpdatedAt}
      stale={error?.message ?? null}
      caps={caps}
      leads={leads}
      ruleSettings={ruleSettings}
      actions={actions}
    />
  );
}

function CommandView({
  detail,
  fetchedAt,
  stale,
  caps,
  leads,
  ruleSettings,
  actions,
}: {
  detail: IncidentDetail;
  fetchedAt: number;
  stale: string | null;
  caps: Capabilities;
  leads: Lead[];
  ruleSettings: RuleSettingsMap;
  actions: IncidentActions;
}) {
  const { incident, steps, events, pages } = detail;
  const queryClient = useQueryClient();
  const now = useServerNow(detail.serverNow, fetchedAt);
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: incidentQuery(incident.id).queryKey }),
    [queryClient, incident.id],
  );
  const clocks = phaseClocksFor(incident, steps, now);
  const nextKey = nextStepKey(steps, clocks);
  const next = steps.find((s) => s.key === nextKey);
  const nextClock = next && clocks.find((c) => c.phase === next.phase);
  const ackBy = events.findLast((e) => e.kind === "ack")?.actor ?? null;

  return (
    <div className="space-y-4" data-testid="incident" data-incident-id={incident.id} data-version={incident.version}>
      {stale && (
        <p
          role="alert"
          className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          Showing the last known state: {stale}
        </p>
      )}
      <IncidentHeader incident={incident} leads={leads} canLead={caps.canLead} actions={actions} refresh={refresh} />
      <PhaseClocks clocks={clocks} severity={incident.severity} declaredAt={incident.declaredAt} now={now} />
      {next ? (
        <a
          href={`#step-${next.key}`}
          data-testid="next-step"
          className={`flex flex-wrap items-baseline gap-x-2 rounded-lg px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-sky-500 ${
            nextClock?.state === "overdue"
              ? "bg-red-600 text-white dark:bg-red-700"
              : "bg-sky-700 text-white dark:bg-sky-800"
          }`}
        >
          <span className="font-semibold uppercase">Next</span>
          <span className="font-medium">{next.title}</span>
          <span className="opacity-90">
            · {phaseLabels[next.phase]}
            {nextClock?.remainingMs != null && (
              <InBrowser>
                {nextClock.state === "overdue"
                  ? ` overdue by ${formatDuration(-nextClock.remainingMs, "countdown")}`
                  : ` · ${formatDuration(nextClock.remainingMs, "countdown")} left`}
              </InBrowser>
            )}
          </span>
        </a>
      ) : (
        <p
          data-testid="next-step"
          className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200"
        >
          Every step is done.
        </p>
      )}
      <nav aria-label="Sections" className="-mx-1 flex gap-1 overflow-x-auto text-sm lg:hidden">
        {[
          ["#checklist-heading", "Checklist"],
          ...(caps.canLead ? [["#comms-heading", "Communication"]] : []),
          ["#escalation-heading", "Escalation"],
          ["#timeline-heading", "Timeline"],
          ["#postmortem-heading", "Post-mortem"],
        ].map(([href, text]) => (
          <a
            key={href}
            href={href}
            className="shrink-0 rounded-md px-2 py-1 text-sky-700 hover:bg-sky-50 dark:text-sky-400 dark:hover:bg-slate-800"
          >
            {text}
          </a>
        ))}
      </nav>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <Checklist
            incidentId={incident.id}
            steps={steps}
            clocks={clocks}
            nextKey={nextKey}
            canCheck={caps.canCheck}
            canRequestActions={caps.canRequestActions}
            regions={incident.regions}
            ruleSettings={ruleSettings}
            checkStep={actions.checkStep}
            approve={caps.canLead ? { run: actions.approveRun, by: caps.userId } : null}
            refresh={refresh}
          />
        </div>
        <div className="min-w-0 space-y-4">
          {caps.canLead && (
            <CommsPanel
              incident={incident}
              events={events}
              now={now}
              nextStep={next?.title ?? null}
              sendComm={actions.sendComm}
              postStatusUpdate={actions.postStatusUpdate}
              refresh={refresh}
            />
          )}
          <EscalationPanel
            incident={incident}
            pages={pages}
            ackBy={ackBy}
            now={now}
            canAcknowledge={caps.canCheck}
            acknowledge={actions.acknowledge}
            refresh={refresh}
          />
        </div>
      </div>
      <Timeline
        incidentId={incident.id}
        events={events}
        canNote={caps.canCheck}
        addNote={actions.addNote}
        refresh={refresh}
      />
      <PostmortemPanel
        incident={incident}
        clock={clocks.find((c) => c.phase === "postmortem")}
        canEdit={caps.canLead}
        actions={actions}
        refresh={refresh}
      />
    </div>
  );
}
