import { z } from "zod";
import { alertRuleDefs } from "./alert-rules";
import type { RegionView } from "./fleet-view";
import type { Severity } from "./severity";

/**
 * Alerts with one cause form one group (issue 12 part 1). A primary whose database is down explains every
 * consequence the runbook lists for it: replication stopped or lagging on each replica, and region APIs that
 * cannot serve. Other alerts are their own cause, except a CDN provider's and a mirror's, which group by the
 * provider and the region. Pure: the engine decides the cause when an alert fires.
 */

export interface Cause {
  key: string;
  title: string;
  /** the rule that names the cause; the routing policy is looked up by it */
  ruleId: string | null;
  /** the runbook scenario that handles the cause, when there is one */
  scenarioId: string | null;
  regions: string[];
}

/** The primary database that is down now, when one is: the configured primary's sample says it is not up. */
export function primaryDatabaseDown(regions: readonly RegionView[]): RegionView | null {
  return regions.find((r) => r.role === "primary" && r.sample?.db && !r.sample.db.up) ?? null;
}

const consequencesOfPrimaryDown = new Set(["region-unhealthy", "replication-stopped", "replication-lag"]);

export function causeOf(
  alert: { ruleId: string | null; fingerprint: string; name: string; labels: Record<string, string> },
  regions: readonly RegionView[],
): Cause {
  const region = alert.labels.region;
  const down = primaryDatabaseDown(regions);
  if (down && alert.ruleId && consequencesOfPrimaryDown.has(alert.ruleId))
    return {
      key: `primary-database-down/${down.id}`,
      title: `${down.id} primary database down`,
      ruleId: "region-unhealthy",
      scenarioId: "primary-database-failure",
      regions: [down.id],
    };
  if (alert.ruleId === "cdn-cache-hit-rate" && alert.labels.provider)
    return {
      key: `cdn/${alert.labels.provider}`,
      title: `${alert.labels.provider} CDN serving poorly`,
      ruleId: alert.ruleId,
      scenarioId: "cdn-provider-outage",
      regions: regions.filter((r) => r.cdnProvider === alert.labels.provider).map((r) => r.id),
    };
  if (alert.ruleId === "mirror-hit-rate" && region)
    return {
      key: `mirror/${region}`,
      title: `${region} clip mirror serving poorly`,
      ruleId: alert.ruleId,
      scenarioId: "mirror-storage-failure",
      regions: [region],
    };
  return {
    key: alert.fingerprint,
    title: region ? `${alert.name} in ${region}` : alert.name,
    ruleId: alert.ruleId,
    scenarioId: alert.ruleId === "region-unhealthy" ? "primary-region-degraded" : null,
    regions: region ? [region] : (alert.labels.regions?.split(",").filter(Boolean) ?? []),
  };
}

/**
 * How long a new group waits before it pages, as Alertmanager's group_wait: an alert that a primary database down
 * would explain may fire a pass before the collector sees the primary down. Its group then merges into the
 * primary's before anyone is paged twice.
 */
export function groupWaitMs(cause: Cause, ruleId: string | null): number {
  return ruleId && consequencesOfPrimaryDown.has(ruleId) && !cause.key.startsWith("primary-database-down/") ? 1500 : 0;
}

/** The severity a triage incident is proposed with: a primary database down stops every write, a complete outage. */
export function proposedSeverity(causeKey: string, alertSeverity: string): Severity {
  if (causeKey.startsWith("primary-database-down/")) return "P0";
  return alertSeverity === "critical" ? "P1" : "P2";
}

export interface AlertRoute {
  ruleId: string;
  severity: "critical" | "warning";
  /** the escalation level paged first; null pages nobody */
  pageLevel: number | null;
  openTriage: boolean;
}

export const alertRouteInput = z.object({
  ruleId: z.enum(["*", ...alertRuleDefs.map((r) => r.id)] as [string, ...string[]], "Pick a rule, or every rule."),
  severity: z.enum(["critical", "warning"], "Pick critical or warning."),
  pageLevel: z.coerce.number().int().min(0).max(99).nullable(),
  openTriage: z.boolean(),
});

/** The route for a group: the row for its rule and severity, else the catch-all for its severity, else none. */
export function routeFor(routes: AlertRoute[], ruleId: string | null, severity: string): AlertRoute | null {
  return (
    routes.find((r) => r.ruleId === ruleId && r.severity === severity) ??
    routes.find((r) => r.ruleId === "*" && r.severity === severity) ??
    null
  );
}

/**
 * Which groups a page lists: "recent", open and resolved in the last hour (the alerts page); "open", only those not
 * resolved (the overview).
 */
export const alertGroupStatus = z.enum(["recent", "open"]);
export type AlertGroupStatus = z.infer<typeof alertGroupStatus>;

/** A group as the console shows it: its alerts (the first explains the others), its pages, its triage incident. */
export interface AlertGroupView {
  id: number;
  title: string;
  severity: "critical" | "warning";
  openedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  alerts: { id: number; name: string; summary: string; region: string | null; firing: boolean }[];
  pages: {
    id: number;
    level: number;
    target: string;
    /** who was on call when it was sent */
    recipient: string | null;
    dueAt: string;
    sentAt: string | null;
    cancelled: boolean;
    delivery: string | null;
  }[];
  triage: {
    state: "proposed" | "confirmed" | "dismissed" | "withdrawn";
    title: string;
    severity: Severity;
    scenarioId: string | null;
    regions: string[];
    lead: { id: string; name: string } | null;
    decidedBy: string | null;
    incidentId: number | null;
  } | null;
  /**
   * The maintenance window the group opened in, which covered its alert: the group is expected, paged nobody and
   * proposed no triage incident. Null for every other group.
   */
  maintenanceWindow: { id: number; title: string; endsAt: string } | null;
}
