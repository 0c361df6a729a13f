import "server-only";
import { defaultRuleSettings, type Breach, type RuleSettings, type RuleSettingsMap } from "@/lib/alert-rules";
import type { AlertView } from "@/lib/fleet-view";
import { getDb, type Queryable } from "@/server/db";

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
  group_id: number | null;
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
  groupId: r.group_id === null ? null : Number(r.group_id),
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
  const r = await db.query<{ fingerprint: string }>(
    "select fingerprint from alerts where state = 'firing' and source = $1",
    [source],
  );
  return new Set(r.rows.map((x) => x.fingerprint));
}

/** Opens an alert; null when one is already firing for this fingerprint. */
export async function fireAlert(
  a: {
    source: "rule" | "alertmanager";
    ruleId: string | null;
    fingerprint: string;
    name: string;
    severity: string;
    labels: Record<string, string>;
    summary: string;
    value: number | null;
    runbook: Breach["runbook"] | null;
  },
  at: Date,
  tx?: Queryable,
): Promise<AlertView | null> {
  const db = tx ?? (await getDb());
  const r = await db.query<AlertRow>(
    `insert into alerts (rule_id, source, fingerprint, name, severity, labels, summary, value, runbook, state, started_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'firing', $10)
     on conflict (fingerprint) where state = 'firing' do nothing returning *`,
    [
      a.ruleId,
      a.source,
      a.fingerprint,
      a.name,
      a.severity,
      JSON.stringify(a.labels),
      a.summary,
      a.value,
      a.runbook ? JSON.stringify(a.runbook) : null,
      at.toISOString(),
    ],
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
  const r = await db.query<{ id: string; threshold: number | null; for_seconds: number; enabled: boolean }>(
    "select * from alert_rules",
  );
  const settings = defaultRuleSettings();
  for (const row of r.rows) {
    if (settings[row.id])
      settings[row.id] = {
        threshold: row.threshold ?? settings[row.id]!.threshold,
        forSeconds: row.for_seconds,
        enabled: row.enabled,
      };
  }
  return settings;
}

/** A rule's threshold, `for` duration and switch, replacing what was set before; `by` is who set it (an email). */
export async function writeRuleSettings(
  tx: Queryable,
  ruleId: string,
  settings: RuleSettings,
  by: string,
): Promise<void> {
  await tx.query(
    `insert into alert_rules (id, threshold, for_seconds, enabled, updated_at, updated_by) values ($1, $2, $3, $4, now(), $5)
     on conflict (id) do update set threshold = excluded.threshold, for_seconds = excluded.for_seconds, enabled = excluded.enabled,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [ruleId, settings.threshold, settings.forSeconds, settings.enabled, by],
  );
}

/** Whether the alert exists; it then stays (key-share locked) until the caller's transaction ends. */
export async function holdAlert(tx: Queryable, id: number): Promise<boolean> {
  const r = await tx.query("select 1 from alerts where id = $1 for key share", [id]);
  return r.rowCount > 0;
}
