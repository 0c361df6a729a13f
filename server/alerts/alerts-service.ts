import "server-only";
import { z } from "zod";
import type { AlertView } from "@/lib/fleet-view";
import { hasRole } from "@/lib/roles";
import { appendAudit } from "@/server/audit/append-audit";
import type { Caller } from "@/server/auth/caller";
import { getDb } from "@/server/db";
import { forbidden } from "@/server/errors";
import { publish } from "@/server/events/bus";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import { fireAlert, readRecentAlerts, readRuleSettings, resolveAlert } from "./alert-store";

export async function listRecentAlerts(_caller: Caller): Promise<AlertView[]> {
  return readRecentAlerts(200);
}

/** Alertmanager's webhook body (version 4); other fields are ignored. */
export const alertmanagerWebhook = z.object({
  version: z.string().optional(),
  status: z.enum(["firing", "resolved"]),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: z.record(z.string(), z.string()).refine((l) => !!l.alertname, "labels.alertname is required"),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.string().optional(),
        fingerprint: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/),
      }),
    )
    .max(1000),
});

/**
 * Takes alerts from a real Prometheus/Alertmanager: firing ones open (once per fingerprint), resolved ones close.
 * Tools post with an API token; people need the engineer role.
 */
export async function ingestAlertmanager(caller: Caller, body: z.infer<typeof alertmanagerWebhook>): Promise<{ fired: number; resolved: number }> {
  if (caller.kind === "user" && !hasRole(caller.user.role, "engineer")) throw forbidden("Posting alerts needs the engineer role or an API token.");
  const db = await getDb();
  const { fired, resolved } = await db.transaction(async (tx) => {
    const fired: string[] = [];
    const resolved: string[] = [];
    for (const a of body.alerts) {
      const fingerprint = `alertmanager/${a.fingerprint}`;
      if (a.status === "firing") {
        const { alertname, severity, ...labels } = a.labels;
        const summary = a.annotations.summary ?? a.annotations.description ?? alertname!;
        const alert = await fireAlert({ source: "alertmanager", ruleId: null, fingerprint, name: alertname!, severity: severity ?? "warning", labels, summary, value: null, runbook: null }, new Date(a.startsAt), tx);
        if (alert) fired.push(`${alertname} (${a.fingerprint})`);
      } else {
        const endsAt = a.endsAt && !a.endsAt.startsWith("0001") ? new Date(a.endsAt) : new Date();
        if (await resolveAlert(fingerprint, Number.isNaN(endsAt.getTime()) ? new Date() : endsAt, tx)) resolved.push(a.fingerprint);
      }
    }
    // Alertmanager re-sends what it already sent (repeat_interval): only a post that changed something is audited.
    if (fired.length || resolved.length) {
      await appendAudit(tx, {
        actor: caller.kind === "user" ? caller.user : null,
        action: "alert.ingest",
        target: "alertmanager",
        detail: { fired, resolved, ...(caller.kind === "token" ? { token: caller.name, tokenId: caller.tokenId } : {}) },
      });
    }
    return { fired: fired.length, resolved: resolved.length };
  });
  if (fired || resolved) {
    publish("alerts");
    publish("fleet");
  }
  return { fired, resolved };
}

/** The rules' current thresholds, `for` durations and switches; any signed-in role reads them. */
export async function getAlertRules(_caller: Caller): Promise<RuleSettingsMap> {
  return readRuleSettings();
}
