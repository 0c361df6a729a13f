"use client";

import Link from "@/components/ui/link";
import { useQuery } from "@tanstack/react-query";
import { useId, type ReactNode } from "react";
import { requestHref } from "@/components/actions/request/form-params";
import { Timestamp } from "@/components/fleet/timestamp";
import { useFleet } from "@/components/fleet/use-fleet";
import type { AlertGroupView } from "@/lib/alert-groups";
import type { AlertView, RegionView } from "@/lib/fleet-view";
import { alertGroupsQuery } from "@/lib/queries";
import { AlertGroupHeader, type AlertGroupActions } from "./alert-group-header";
import { AlertLabels } from "./alert-labels";
import { DeclareFromAlert } from "./declare-from-alert";
import { SeverityBadge } from "./severity-badge";

/** The regions an alert is about: its `region` label, or each of its `regions` (two-primaries names the set). */
const alertRegions = (a: AlertView): string[] =>
  a.labels.region ? [a.labels.region] : (a.labels.regions?.split(",").filter(Boolean) ?? []);

/**
 * For a firing two-primaries alert: a request to fence each writer that is not the recorded primary. With no
 * recorded primary among them Switchyard cannot say which to keep, so every one is offered.
 */
function FenceLinks({ alert, regions }: { alert: AlertView; regions: RegionView[] }) {
  if (alert.ruleId !== "two-primaries" || alert.state !== "firing") return null;
  const recorded = regions.find((r) => r.role === "primary")?.id;
  const targets = alertRegions(alert).filter((id) => id !== recorded);
  return targets.map((id) => (
    <Link
      key={id}
      href={requestHref("db.fence-primary", { region: id })}
      data-testid="fence-from-alert"
      data-region={id}
      className="inline-block rounded-md border border-red-700 px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-red-500 dark:text-red-200 dark:hover:bg-red-950/60"
    >
      Fence {id}
    </Link>
  ));
}

/** Firing alerts in their groups, in the order of each group's first alert; alerts without a group stand alone. */
function byGroup(alerts: AlertView[], groups: AlertGroupView[]) {
  const out: { group: AlertGroupView | null; alerts: AlertView[] }[] = [];
  for (const a of alerts) {
    const group = groups.find((g) => g.id === a.groupId) ?? null;
    const entry = group && out.find((e) => e.group?.id === group.id);
    if (entry) entry.alerts.push(a);
    else out.push({ group, alerts: [a] });
  }
  for (const e of out) e.alerts.sort((x, y) => x.id - y.id);
  return out;
}

/**
 * The alerts firing now, from the live fleet snapshot: optionally only some rules' or one region's. Updates
 * with every push; says so plainly when nothing fires. `grouped` (the overview): alerts with one cause show as one
 * group, its cause first and its consequences inside, with its page and its triage incident.
 */
export function FiringAlertsPanel({
  heading = "Firing alerts",
  ruleIds,
  regionId,
  emptyText = "No alerts firing",
  linkToAlerts = true,
  canDeclare = false,
  canRequest = false,
  grouped = false,
  groupActions,
  canAcknowledge = false,
}: {
  heading?: string;
  ruleIds?: string[];
  regionId?: string;
  emptyText?: string;
  linkToAlerts?: boolean;
  /** leads may declare an incident from each alert */
  canDeclare?: boolean;
  /** engineers may request the runbook action an alert calls for (fencing a second primary) */
  canRequest?: boolean;
  grouped?: boolean;
  groupActions?: AlertGroupActions;
  /** engineers may acknowledge a group's page */
  canAcknowledge?: boolean;
}) {
  const { data } = useFleet();
  const groups = useQuery({ ...alertGroupsQuery("open"), enabled: grouped }).data?.groups ?? [];
  const headingId = useId();
  const alerts = (data?.alerts ?? []).filter(
    (a) =>
      (!ruleIds || (a.ruleId !== null && ruleIds.includes(a.ruleId))) &&
      (!regionId || alertRegions(a).includes(regionId)),
  );
  const regionIds = data?.regions.map((r) => r.id);
  const stale = (data?.regions ?? []).filter((r) => r.status === "stale" && (!regionId || r.id === regionId));
  const firing = alerts.length > 0;
  /** One alert; `declarable`: the first of its group (its cause), the one a lead declares from. */
  const renderAlert = (a: AlertView, declarable: boolean): ReactNode => (
    <li
      key={a.id}
      data-testid="firing-alert"
      data-rule={a.ruleId ?? ""}
      data-region={a.labels.region ?? ""}
      className="space-y-1 py-2 first:pt-0 last:pb-0"
    >
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={a.severity} />
        <span className="font-medium">{a.name}</span>
        {a.unevaluated && (
          <span
            data-testid="alert-unevaluated"
            className="rounded-full px-2 py-0.5 text-xs ring-1 ring-slate-400 ring-inset"
          >
            cannot be evaluated now
          </span>
        )}
      </div>
      <p className="text-sm break-words text-slate-700 dark:text-slate-300">{a.summary}</p>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <AlertLabels labels={a.labels} regionIds={regionIds} />
        <span>
          since <Timestamp iso={a.startedAt} />
        </span>
        {a.runbook && (
          <span>
            Runbook:{" "}
            <Link href={`/runbooks/${a.runbook.id}`} className="text-sky-800 underline dark:text-sky-300">
              {a.runbook.title}
            </Link>
          </span>
        )}
        {canDeclare && declarable && <DeclareFromAlert alert={a} />}
        {canRequest && data && <FenceLinks alert={a} regions={data.regions} />}
      </div>
    </li>
  );
  return (
    <section
      aria-labelledby={headingId}
      data-testid="firing-alerts"
      data-count={alerts.length}
      className={`rounded-xl border bg-white p-4 shadow-sm dark:bg-slate-900 ${firing ? "border-red-300 dark:border-red-900" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id={headingId} className="font-semibold">
          {heading}
          {firing && (
            <span className="ml-2 rounded-full bg-red-600 px-2 py-0.5 text-xs font-medium text-white">
              {alerts.length}
            </span>
          )}
        </h2>
        {linkToAlerts && (
          <Link href="/alerts" className="text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
            All alerts
          </Link>
        )}
      </div>
      {stale.length > 0 && (
        <p
          data-testid="alerts-unevaluated"
          role="status"
          className="mb-2 rounded-lg border border-dashed border-slate-400 px-3 py-2 text-sm text-slate-800 dark:border-slate-600 dark:text-slate-200"
        >
          Alert rules cannot be evaluated for {stale.map((r) => r.id).join(", ")}: no current sample
          {stale[0]?.checkedAt && (
            <>
              {" "}
              since <Timestamp iso={stale[0].checkedAt} show="full" />
            </>
          )}
          . What fires or resolves there is unknown until sampling resumes.
        </p>
      )}
      {!data ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">Loading…</p>
      ) : !firing ? (
        <p data-testid="no-alerts" className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
          <span aria-hidden className={`h-2 w-2 rounded-full ${stale.length ? "bg-slate-400" : "bg-emerald-500"}`} />
          {stale.length ? `${emptyText} that can be evaluated` : emptyText}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {(grouped ? byGroup(alerts, groups) : alerts.map((a) => ({ group: null, alerts: [a] }))).map(
            ({ group, alerts: members }) =>
              group ? (
                <li
                  key={`group-${group.id}`}
                  data-testid="alert-group"
                  data-group={group.id}
                  className="space-y-2 py-2 first:pt-0 last:pb-0"
                >
                  <AlertGroupHeader
                    group={group}
                    actions={groupActions}
                    canAcknowledge={canAcknowledge}
                    canDecide={canDeclare}
                  />
                  <ul
                    aria-label={`Alerts of ${group.title}`}
                    className="space-y-2 border-l-2 border-slate-200 pl-3 dark:border-slate-700"
                  >
                    {members.map((a, i) => renderAlert(a, i === 0))}
                  </ul>
                </li>
              ) : (
                renderAlert(members[0]!, true)
              ),
          )}
        </ul>
      )}
    </section>
  );
}
