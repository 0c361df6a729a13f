import "server-only";
import { z } from "zod";
import { alertRuleDefs, defaultRuleSettings, type Breach, type RuleSettingsMap } from "@/lib/alert-rules";
import type { AlertView } from "@/lib/fleet-view";
import { appendAudit } from "@/server/audit/append-audit";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { forbidden, invalid } from "@/server/errors";

type AlertRow = {
  id: number;
  rule_id: string | null;
  source: "rule" | "alertmanager";
  name: string;
  severity: string;
  labels: Record<string, string>;
  summary: string;
  value: number | null;
  runbook: { id: string; title: string } | null;
  state: "firing" | "resolved";
  started_at: Date;
  resolved_at: Date | null;
  fingerprint: string;
};

const toView = (r: AlertRow): AlertView => ({
  id: r.id,
  ruleId: r.rule_id,
  source: r.source,
  name: r.name,
  severity: r.severity,
  labels: r.labels,
  summary: r.summary,
  value: r.value,
  runbook: r.runbook,
  state: r.state,
  startedAt: r.started_at.toISOString(),
  resolvedAt: r.resolved_at?.toISOString() ?? null,
});

export async function readFiringAlerts(): Promise<AlertView[]> {
  const db = await getDb();
  const r = await db.query<AlertRow>("select * from alerts where state = 'firing' order by started_at desc");
  return r.rows.map(toView);
}

export async function readRecentAlerts(limit = 100): Promise<AlertView[]> {
  const db = await getDb();
  const r = await db.query<AlertRow>("select * from alerts order by started_at desc, id desc limit $1", [limit]);
  return r.rows.map(toView);
}

export async function readFiringFingerprints(source: "rule" | "alertmanager"): Promise<Set<string>> {
  const db = await getDb();
  const r = await db.query<{ fingerprint: string }>("select fingerprint from alerts where state = 'firing' and source = $1", [source]);
  return new Set(r.rows.map((x) => x.fingerprint));
}

/** Opens an alert; null when one is already firing for this fingerprint. */
export async function fireAlert(a: { source: "rule" | "alertmanager"; ruleId: string | null; fingerprint: string; name: string; severity: string; labels: Record<string, string>; summary: string; value: number | null; runbook: Breach["runbook"] | null }, at: Date, tx?: Queryable): Promise<AlertView | null> {
  const db = tx ?? (await getDb());
  const r = await db.query<AlertRow>(
    `insert into alerts (rule_id, source, fingerprint, name, severity, labels, summary, value, runbook, state, started_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'firing', $10)
     on conflict (fingerprint) where state = 'firing' do nothing returning *`,
    [a.ruleId, a.source, a.fingerprint, a.name, a.severity, JSON.stringify(a.labels), a.summary, a.value, a.runbook ? JSON.stringify(a.runbook) : null, at.toISOString()],
  );
  return r.rows[0] ? toView(r.rows[0]) : null;
}

export async function resolveAlert(fingerprint: string, at: Date, tx?: Queryable): Promise<AlertView | null> {
  const db = tx ?? (await getDb());
  const r = await db.query<AlertRow>(
    "update alerts set state = 'resolved', resolved_at = $2 where fingerprint = $1 and state = 'firing' returning *",
    [fingerprint, at.toISOString()],
  );
  return r.rows[0] ? toView(r.rows[0]) : null;
}

export async function readRuleSettings(): Promise<RuleSettingsMap> {
  const db = await getDb();
  const r = await db.query<{ id: string; threshold: number | null; for_seconds: number; enabled: boolean }>("select * from alert_rules");
  const settings = defaultRuleSettings();
  for (const row of r.rows) {
    if (settings[row.id]) settings[row.id] = { threshold: row.threshold ?? settings[row.id]!.threshold, forSeconds: row.for_seconds, enabled: row.enabled };
  }
  return settings;
}

export const ruleSettingsInput = z.object({
  ruleId: z.enum(alertRuleDefs.map((r) => r.id) as [string, ...string[]]),
  threshold: z.coerce.number().finite().min(0).max(1e12).nullable(),
  forSeconds: z.coerce.number().int("Whole seconds.").min(0).max(86_400),
  enabled: z.boolean(),
});

/** Changes a rule's threshold, `for` duration or switch; admins only, audited in the same transaction. */
export async function updateRuleSettings(actor: User, input: z.infer<typeof ruleSettingsInput>): Promise<void> {
  if (actor.role !== "admin") throw forbidden("Only admins can change alert rules.");
  const def = alertRuleDefs.find((r) => r.id === input.ruleId)!;
  if (def.comparator === null && input.threshold !== null) throw invalid(`${def.name} has no threshold.`);
  if (def.comparator !== null && input.threshold === null) throw invalid(`${def.name} needs a threshold.`);
  if (def.unit === "%" && input.threshold !== null && input.threshold > 100) throw invalid("A percentage is at most 100.");
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into alert_rules (id, threshold, for_seconds, enabled, updated_at, updated_by) values ($1, $2, $3, $4, now(), $5)
       on conflict (id) do update set threshold = excluded.threshold, for_seconds = excluded.for_seconds, enabled = excluded.enabled,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [input.ruleId, input.threshold, input.forSeconds, input.enabled, actor.email],
    );
    await appendAudit(tx, { actor, action: "alert-rule.update", target: input.ruleId, detail: { threshold: input.threshold, forSeconds: input.forSeconds, enabled: input.enabled } });
  });
}
