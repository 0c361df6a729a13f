import "server-only";
import { env } from "@/server/env";
import type { PageAction, PageMessage } from "../deliver-page";
import { postJson } from "../post-json";

/**
 * PagerDuty's Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview/): one event per page action,
 * all three under the page's own `dedup_key`, so PagerDuty keeps one incident per page and acknowledging or resolving
 * it in Switchyard does the same there. PagerDuty answers 202; postJson retries a 429 or a 5xx, never a 400 (an
 * invalid key or body, which would answer the same).
 */

/** PagerDuty's limits: a summary of at most 1024 characters, a dedup key of at most 255. */
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com";

/** The Events API v2 body: a trigger carries the page; an acknowledge or a resolve only names it. */
export function pagerDutyEventBody(routingKey: string, action: PageAction, msg: PageMessage) {
  const common = { routing_key: routingKey, event_action: action, dedup_key: msg.dedupKey.slice(0, MAX_DEDUP_KEY) };
  if (action !== "trigger") return common;
  return {
    ...common,
    payload: {
      summary: msg.summary.length > MAX_SUMMARY ? `${msg.summary.slice(0, MAX_SUMMARY - 1)}…` : msg.summary,
      source: "switchyard",
      severity: msg.severity,
      custom_details: msg.details,
    },
    links: [{ href: msg.url, text: "Open in Switchyard" }],
  };
}

/** Where events go: `${PAGERDUTY_EVENTS_URL}/v2/enqueue`. */
export function pagerDutyEnqueueUrl(base = env.PAGERDUTY_EVENTS_URL ?? DEFAULT_PAGERDUTY_EVENTS_URL): string {
  return `${base.replace(/\/+$/, "")}/v2/enqueue`;
}

/** Sends one event; says whether PagerDuty took it, never throws. */
export async function sendPagerDutyEvent(
  routingKey: string,
  action: PageAction,
  msg: PageMessage,
): Promise<{ delivered: boolean; detail: string }> {
  return postJson(pagerDutyEnqueueUrl(), pagerDutyEventBody(routingKey, action, msg));
}
