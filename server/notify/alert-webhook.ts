import "server-only";
import type { AlertView } from "@/lib/fleet-view";
import { env } from "@/server/env";
import { consoleUrl } from "./console-url";
import { postJson } from "./post-json";

/** The Alertmanager webhook (version 4) body, so anything that takes Alertmanager's notifications takes ours. */
export function alertmanagerPayload(alerts: AlertView[], externalURL: string) {
  const status = alerts.some((a) => a.state === "firing") ? "firing" : "resolved";
  return {
    version: "4",
    receiver: "switchyard",
    status,
    externalURL,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts: alerts.map((a) => ({
      status: a.state,
      labels: { alertname: a.name, severity: a.severity, ...(a.ruleId ? { rule: a.ruleId } : {}), ...a.labels },
      annotations: {
        summary: a.summary,
        ...(a.runbook ? { runbook: a.runbook.title, runbook_url: `${externalURL}/runbooks/${a.runbook.id}` } : {}),
      },
      startsAt: a.startedAt,
      endsAt: a.resolvedAt ?? "0001-01-01T00:00:00Z",
      fingerprint: a.ruleId ? `${a.ruleId}:${Object.values(a.labels).join(",")}` : String(a.id),
    })),
  };
}

/** POSTs fire and resolve notifications to ALERT_WEBHOOK_URL, retrying as every webhook does; never blocks the collector. */
export function notifyAlertChanges(alerts: AlertView[]): void {
  if (!env.ALERT_WEBHOOK_URL || alerts.length === 0) return;
  const body = alertmanagerPayload(alerts, consoleUrl());
  void postJson(env.ALERT_WEBHOOK_URL, body).then((r) => {
    if (!r.delivered) console.error(`[alerts] webhook not delivered: ${r.detail}`);
  });
}
