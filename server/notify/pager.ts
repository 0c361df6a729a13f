import "server-only";
import { incidentRef } from "@/lib/ids";
import type { Incident } from "@/lib/incident";
import type { Severity } from "@/lib/severity";
import { env } from "@/server/env";
import { postJson } from "./post-json";

const pdSeverity: Record<Severity, string> = { P0: "critical", P1: "error", P2: "warning", P3: "info" };

/** The page as PagerDuty Events API v2 would take it, or Switchyard's own JSON. */
export function pagePayload(
  incident: Incident,
  page: { level: number; target: string; contact: string },
  consoleUrl: string,
) {
  const url = `${consoleUrl}/incidents/${incident.id}`;
  const summary = `[${incident.severity}] ${incidentRef(incident.id)} ${incident.title}: paging ${page.target}`;
  if (env.PAGER_FORMAT === "pagerduty") {
    return {
      routing_key: env.PAGERDUTY_ROUTING_KEY ?? "",
      event_action: "trigger",
      dedup_key: `switchyard-inc-${incident.id}-level-${page.level}`,
      payload: {
        summary,
        source: "switchyard",
        severity: pdSeverity[incident.severity],
        custom_details: {
          incident: incident.id,
          target: page.target,
          contact: page.contact,
          status: incident.status,
          lead: incident.lead.name,
          impact: incident.impact,
        },
      },
      links: [{ href: url, text: `${incidentRef(incident.id)} in Switchyard` }],
    };
  }
  return {
    type: "page",
    summary,
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      lead: incident.lead.name,
      url,
    },
    target: page.target,
    contact: page.contact,
    level: page.level,
  };
}

export async function sendPage(
  incident: Incident,
  page: { level: number; target: string; contact: string },
): Promise<{ delivered: boolean; detail: string }> {
  if (!env.PAGER_WEBHOOK_URL) return { delivered: false, detail: "no pager webhook configured (PAGER_WEBHOOK_URL)" };
  return postJson(
    env.PAGER_WEBHOOK_URL,
    pagePayload(incident, page, process.env.NEXTAUTH_URL ?? "http://localhost:3000"),
  );
}
