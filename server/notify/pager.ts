import "server-only";
import { incidentRef } from "@/lib/ids";
import type { Incident } from "@/lib/incident";
import type { Severity } from "@/lib/severity";
import type { Queryable } from "@/server/db";
import { env } from "@/server/env";
import { readContactMethods } from "./contact-methods-store";
import { consoleUrl } from "./console-url";
import { deliverPage, type PageAction, type PageMessage } from "./deliver-page";
import { pagerDutyEventBody } from "./channels/pagerduty-events";
import { pageWebhookBody } from "./channels/webhook";
import { postJson } from "./post-json";

/**
 * A page goes to the person on call by their own contact methods (PagerDuty Events v2, webhook, email), and to the
 * team's pager webhook when one is configured (PAGER_WEBHOOK_URL, as PagerDuty Events v2 or Switchyard's JSON).
 * Each page has one dedup_key, so its acknowledgement and resolution reach PagerDuty as the same alert.
 */

const pdSeverity: Record<Severity, PageMessage["severity"]> = {
  P0: "critical",
  P1: "error",
  P2: "warning",
  P3: "info",
};

export type PageSubject =
  | { kind: "incident"; incident: Incident }
  | { kind: "group"; group: { id: number; title: string; severity: "critical" | "warning"; consequences: string[] } };

export const dedupKeyOf = (pageId: number) => `switchyard-page-${pageId}`;

/** The page id a dedup_key names, when it is one of Switchyard's. */
export function pageIdOf(dedupKey: string): number | null {
  const m = /^switchyard-page-(\d{1,18})$/.exec(dedupKey);
  return m ? Number(m[1]) : null;
}

export function pageMessage(
  pageId: number,
  subject: PageSubject,
  page: { level: number; target: string },
): PageMessage {
  if (subject.kind === "incident") {
    const i = subject.incident;
    return {
      dedupKey: dedupKeyOf(pageId),
      summary: `${i.drillId !== null ? "[DRILL] " : ""}[${i.severity}] ${incidentRef(i.id)} ${i.title}: paging ${page.target}`,
      severity: pdSeverity[i.severity],
      url: `${consoleUrl()}/incidents/${i.id}`,
      details: { incident: i.id, target: page.target, status: i.status, lead: i.lead.name, impact: i.impact },
    };
  }
  const g = subject.group;
  return {
    dedupKey: dedupKeyOf(pageId),
    summary: `${g.title}: paging ${page.target}`,
    severity: g.severity === "critical" ? "critical" : "warning",
    url: `${consoleUrl()}/alerts#group-${g.id}`,
    details: { group: g.id, target: page.target, consequences: g.consequences.join("; ") || null },
  };
}

/**
 * A page about an action run that stopped itself for an operator (a failed rollout analysis). One dedup_key per run,
 * so a run that stops again updates the same alert; the key is no page's, so PagerDuty's acknowledgement of it changes
 * nothing here (server/paging/inbound.ts).
 */
export function runPageMessage(
  run: { id: number; actionId: string; incidentId: number | null },
  what: string,
  target: string,
): PageMessage {
  return {
    dedupKey: `switchyard-action-${run.id}`,
    summary: `${run.actionId} #${run.id} ${what}: paging ${target}`,
    severity: "error",
    url: `${consoleUrl()}/actions/${run.id}`,
    details: { action: run.actionId, run: run.id, incident: run.incidentId, target },
  };
}

/** The team webhook's body: PagerDuty Events v2, or Switchyard's own JSON with the level it pages. */
export function teamWebhookBody(action: PageAction, msg: PageMessage, page: { level: number; target: string }) {
  return env.PAGER_FORMAT === "pagerduty"
    ? pagerDutyEventBody(env.PAGERDUTY_ROUTING_KEY ?? "", action, msg)
    : { ...pageWebhookBody(action, msg), target: page.target, level: page.level };
}

/**
 * Sends a page's trigger, acknowledgement or resolution to its recipient's contact methods and to the team webhook.
 * Never throws: says whether anything took it and what each channel answered.
 */
export async function sendPage(
  db: Queryable,
  action: PageAction,
  msg: PageMessage,
  page: { level: number; target: string; recipientId: string | null; teamWebhook?: boolean },
): Promise<{ delivered: boolean; detail: string }> {
  const methods = page.recipientId ? await readContactMethods(db, page.recipientId) : [];
  // A drill's page goes to its participant only: the team's pager webhook is for real trouble.
  const teamUrl = page.teamWebhook === false ? undefined : env.PAGER_WEBHOOK_URL;
  const [own, team] = await Promise.all([
    methods.length ? deliverPage(methods, action, msg) : null,
    teamUrl ? postJson(teamUrl, teamWebhookBody(action, msg, page)) : null,
  ]);
  if (!own && !team)
    return {
      delivered: false,
      detail:
        page.teamWebhook === false
          ? page.recipientId
            ? "the drill participant has no contact methods"
            : "the drill participant's account no longer exists"
          : page.recipientId
            ? "the person on call has no contact methods and no pager webhook is configured (PAGER_WEBHOOK_URL)"
            : "nobody is on call and no pager webhook is configured (PAGER_WEBHOOK_URL)",
    };
  const parts = [own && own.detail, team && `team webhook ${team.delivered ? "ok" : team.detail}`].filter(Boolean);
  return { delivered: !!own?.delivered || !!team?.delivered, detail: parts.join(", ") };
}
