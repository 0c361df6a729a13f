import { randomBytes } from "node:crypto";
import { startWebhookReceiver, type ReceivedRequest } from "./webhook-receiver";

/**
 * A local stand-in for PagerDuty's Events API v2: POST /v2/enqueue answers as PagerDuty does (202 {status: "success",
 * message, dedup_key}, a dedup key made up for a trigger without one; 400 {status: "invalid event", errors} for an
 * event PagerDuty would refuse) and keeps every event. Point PAGERDUTY_EVENTS_URL at `url`.
 */

export interface PagerDutyEvent {
  routing_key: string;
  event_action: "trigger" | "acknowledge" | "resolve";
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: Record<string, unknown> };
  links?: { href: string; text?: string }[];
}

export interface PagerDutyReceiver {
  /** The events URL (http://127.0.0.1:<port>): events go to `${url}/v2/enqueue`. */
  url: string;
  /** The events PagerDuty would have accepted, in order. */
  events: PagerDutyEvent[];
  /** Every request, accepted or not. */
  requests: ReceivedRequest[];
  /** Waits until an accepted event matches (polling), and returns it. */
  waitFor(predicate: (e: PagerDutyEvent) => boolean, timeoutMs?: number): Promise<PagerDutyEvent>;
  close(): Promise<void>;
}

const actions = ["trigger", "acknowledge", "resolve"];
const severities = ["critical", "error", "warning", "info"];

/** What PagerDuty would say is wrong with an event, as its 400 answer's `errors`. */
function problems(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof e.routing_key !== "string" || !/^[A-Za-z0-9]{32}$/.test(e.routing_key))
    out.push("'routing_key' is invalid");
  if (!actions.includes(e.event_action as string)) out.push("'event_action' is invalid");
  if (e.event_action !== "trigger" && !e.dedup_key) out.push("'dedup_key' is missing");
  if (e.event_action === "trigger") {
    const p = e.payload as Record<string, unknown> | undefined;
    if (!p || typeof p.summary !== "string" || !p.summary) out.push("'payload.summary' is missing");
    if (!p || typeof p.source !== "string" || !p.source) out.push("'payload.source' is missing");
    if (!p || !severities.includes(p.severity as string)) out.push("'payload.severity' is invalid");
  }
  return out;
}

export async function startPagerDutyReceiver(): Promise<PagerDutyReceiver> {
  const events: PagerDutyEvent[] = [];
  const hook = await startWebhookReceiver({
    answer: (r) => {
      if (r.method !== "POST" || r.path !== "/v2/enqueue") return { status: 404, json: { status: "not found" } };
      const e = (typeof r.body === "object" && r.body) || {};
      const wrong = problems(e as Record<string, unknown>);
      if (wrong.length)
        return { status: 400, json: { status: "invalid event", message: "Event object is invalid", errors: wrong } };
      const event = e as PagerDutyEvent;
      events.push(event); // as sent: a made-up dedup key is only in the answer
      const dedupKey = event.dedup_key ?? randomBytes(16).toString("hex");
      return { status: 202, json: { status: "success", message: "Event processed", dedup_key: dedupKey } };
    },
  });
  return {
    url: new URL(hook.url).origin,
    events,
    requests: hook.requests,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > until)
          throw new Error(`no matching PagerDuty event within ${timeoutMs} ms; accepted: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: hook.close,
  };
}
