"use client";

import Link from "next/link";
import { useId } from "react";
import { requestHref } from "@/components/actions/request/form-params";
import { Timestamp } from "@/components/fleet/timestamp";
import { useFleet } from "@/components/fleet/use-fleet";
import type { AlertView, RegionView } from "@/lib/fleet-view";
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

/**
 * The alerts firing now, from the live fleet snapshot: optionally only some rules' or one region's. Updates
 * with every push; says so plainly when nothing fires.
 */
export function FiringAlertsPanel({
  heading = "Firing alerts",
  ruleIds,
  regionId,
  emptyText = "No alerts firing",
  linkToAlerts = true,
  canDeclare = false,
  canRequest = false,
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
}) {
  const { data } = useFleet();
  const headingId = useId();
  const alerts = (data?.alerts ?? []).filter(
    (a) =>
      (!ruleIds || (a.ruleId !== null && ruleIds.includes(a.ruleId))) &&
      (!regionId || alertRegions(a).includes(regionId)),
  );
  const regionIds = data?.regions.map((r) => r.id);
  const stale = (data?.regions ?? []).filter((r) => r.status === "stale" && (!regionId || r.id === regionId));
  const firing = alerts.length > 0;
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
          {alerts.map((a) => (
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
                {canDeclare && <DeclareFromAlert alert={a} />}
                {canRequest && data && <FenceLinks alert={a} regions={data.regions} />}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
