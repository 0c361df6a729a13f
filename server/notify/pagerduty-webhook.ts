import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { invalid } from "@/server/errors";

/**
 * PagerDuty's v3 webhooks, coming in (https://developer.pagerduty.com/docs/webhooks/v3-overview/): each POST carries
 * one event, signed in `X-PagerDuty-Signature` with the subscription's secret. Switchyard acts on
 * `incident.acknowledged`: the incident's `incident_key` is the `dedup_key` the page was triggered with (Events API
 * v2), so the page it names is acknowledged in Switchyard too.
 */

/** The event types of v3 incident webhooks; others (service.*, pagey.ping) are taken and ignored. */
export type PagerDutyEventType =
  | "incident.acknowledged"
  | "incident.annotated"
  | "incident.delegated"
  | "incident.escalated"
  | "incident.priority_updated"
  | "incident.reassigned"
  | "incident.reopened"
  | "incident.resolved"
  | "incident.responder.added"
  | "incident.responder.replied"
  | "incident.status_update_published"
  | "incident.triggered"
  | "incident.unacknowledged"
  | (string & {});

/** The secrets PAGERDUTY_WEBHOOK_SECRET names: one, or several separated by commas while one is rotated. */
export function webhookSecrets(setting: string | undefined): string[] {
  return (setting ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * True when `header` (X-PagerDuty-Signature: `v1=<hex>` entries, comma-separated) holds the HMAC-SHA256 of the raw
 * body under one of `secrets`. Compared in constant time; a missing header, no secret, or no v1 entry is false.
 */
export function verifyPagerDutySignature(rawBody: string, header: string | null, secrets: string[]): boolean {
  if (!header || !secrets.length) return false;
  const given = header
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.startsWith("v1="))
    .map((part) => part.slice(3))
    .filter((hex) => HEX_SHA256.test(hex))
    .map((hex) => Buffer.from(hex, "hex"));
  if (!given.length) return false;
  let match = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
    // Every pair is compared, so the time taken does not say which entry (or whether any) matched.
    for (const g of given) if (timingSafeEqual(g, expected)) match = true;
  }
  return match;
}

/** The part of a v3 webhook body Switchyard reads; the rest (agent, service, assignees…) is PagerDuty's to change. */
const webhookBody = z.object({
  event: z.object({
    event_type: z.string().min(1),
    data: z.object({ incident_key: z.string().nullish() }).nullish().catch(null),
  }),
});

/** The event of a v3 webhook body; an "invalid" error (400) when it is not one. */
export function parsePagerDutyWebhook(body: unknown): { eventType: PagerDutyEventType; incidentKey: string | null } {
  const parsed = webhookBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`Not a PagerDuty v3 webhook body: ${issue.path.map(String).join(".") || "body"}: ${issue.message}`);
  }
  const { event } = parsed.data;
  return { eventType: event.event_type, incidentKey: event.data?.incident_key || null };
}
