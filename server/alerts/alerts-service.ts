import "server-only";
import { z } from "zod";
import { alertRuleDefs, type RuleSettingsMap } from "@/lib/alert-rules";
import type { AlertView } from "@/lib/fleet-view";
import { appendAudit } from "@/server/audit/append-audit";
import type { Caller } from "@/server/auth/caller";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { invalid } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { fireAlert, readRecentAlerts, readRuleSettings, resolveAlert, writeRuleSettings } from "./alert-store";

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
export async function ingestAlertmanager(
  caller: Caller,
  body: z.infer<typeof alertmanagerWebhook>,
): Promise<{ fired: number; resolved: number }> {
  if (caller.kind === "user")
    requireRole(caller.user, "engineer", { refusal: "Posting alerts needs the engineer role or an API token." });
  const db = await getDb();
  const { fired, resolved } = await db.transaction(async (tx) => {
    const fired: string[] = [];
    const resolved: string[] = [];
    for (const a of body.alerts) {
      const fingerprint = `alertmanager/${a.fingerprint}`;
      if (a.status === "firing") {
        const { alertname, severity, ...labels } = a.labels;
        const summary = a.annotations.summary ?? a.annotations.description ?? alertname!;
        const alert = await fireAlert(
          {
            source: "alertmanager",
            ruleId: null,
            fingerprint,
            name: alertname!,
            severity: severity ?? "warning",
            labels,
            summary,
            value: null,
            runbook: null,
          },
          new Date(a.startsAt),
          tx,
        );
        if (alert) fired.push(`${alertname} (${a.fingerprint})`);
      } else {
        const endsAt = a.endsAt && !a.endsAt.startsWith("0001") ? new Date(a.endsAt) : new Date();
        if (await resolveAlert(fingerprint, Number.isNaN(endsAt.getTime()) ? new Date() : endsAt, tx))
          resolved.push(a.fingerprint);
      }
    }
    // Alertmanager re-sends what it already sent (repeat_interval): only a post that changed something is audited.
    if (fired.length || resolved.length) {
      await appendAudit(tx, {
        actor: caller.kind === "user" ? caller.user : null,
        action: "alert.ingest",
        target: "alertmanager",
        detail: {
          fired,
          resolved,
          ...(caller.kind === "token" ? { token: caller.name, tokenId: caller.tokenId } : {}),
        },
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

export const ruleSettingsInput = z.object({
  ruleId: z.enum(alertRuleDefs.map((r) => r.id) as [string, ...string[]]),
  threshold: z.coerce.number().finite().min(0).max(1e12).nullable(),
  forSeconds: z.coerce.number().int("Whole seconds.").min(0).max(86_400),
  enabled: z.boolean(),
});

/** Changes a rule's threshold, `for` duration or switch; admins only, audited in the same transaction. */
export async function updateRuleSettings(actor: User, input: z.infer<typeof ruleSettingsInput>): Promise<void> {
  requireRole(actor, "admin", { refusal: "Only admins can change alert rules." });
  const def = alertRuleDefs.find((r) => r.id === input.ruleId)!;
  if (def.comparator === null && input.threshold !== null) throw invalid(`${def.name} has no threshold.`);
  if (def.comparator !== null && input.threshold === null) throw invalid(`${def.name} needs a threshold.`);
  if (def.unit === "%" && input.threshold !== null && input.threshold > 100)
    throw invalid("A percentage is at most 100.");
  const settings = { threshold: input.threshold, forSeconds: input.forSeconds, enabled: input.enabled };
  const db = await getDb();
  await db.transaction(async (tx) => {
    await writeRuleSettings(tx, input.ruleId, settings, actor.email);
    await appendAudit(tx, { actor, action: "alert-rule.update", target: input.ruleId, detail: settings });
  });
}
