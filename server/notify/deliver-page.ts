import "server-only";
import { maskAddress, type ContactMethod } from "@/lib/contact-methods";
import { sendPageEmail } from "./channels/email";
import { sendPagerDutyEvent } from "./channels/pagerduty-events";
import { sendPageWebhook } from "./channels/webhook";

/**
 * A page to one person, sent to each of their contact methods at once: PagerDuty Events v2, the generic JSON webhook,
 * email. Each action of a page (trigger, then acknowledge or resolve) carries the page's `dedupKey`, so PagerDuty
 * keeps one incident per page and acknowledging in Switchyard acknowledges there. Pure of the store: the caller reads
 * the methods (readContactMethods in ./contact-methods-store) and records the outcome.
 */

export type PageAction = "trigger" | "acknowledge" | "resolve";

export interface PageMessage {
  /** One per page: every action of the page carries it (PagerDuty's dedup_key, at most 255 characters). */
  dedupKey: string;
  summary: string;
  /** PagerDuty's severities. */
  severity: "critical" | "error" | "warning" | "info";
  /** The page in the console. */
  url: string;
  details: Record<string, string | number | null>;
}

export interface ChannelResult {
  kind: string;
  /** The address as people are shown it (lib/contact-methods maskAddress): no key or webhook token in it. */
  address: string;
  delivered: boolean;
  detail: string;
}

export interface PageDelivery {
  /** At least one method took it. */
  delivered: boolean;
  /** One short line for a timeline: "pagerduty ok, email failed (connect ECONNREFUSED 127.0.0.1:25)". */
  detail: string;
  results: ChannelResult[];
}

function send(m: ContactMethod, action: PageAction, msg: PageMessage): Promise<{ delivered: boolean; detail: string }> {
  switch (m.kind) {
    case "pagerduty":
      return sendPagerDutyEvent(m.address, action, msg);
    case "webhook":
      return sendPageWebhook(m.address, action, msg);
    case "email":
      return sendPageEmail(m.address, action, msg);
  }
}

/** Sends one action of a page to every method in parallel; never throws, says what each method did. */
export async function deliverPage(
  methods: ContactMethod[],
  action: PageAction,
  msg: PageMessage,
): Promise<PageDelivery> {
  if (!methods.length) return { delivered: false, detail: "no contact methods", results: [] };
  const results = await Promise.all(
    methods.map(async (m): Promise<ChannelResult> => {
      let outcome: { delivered: boolean; detail: string };
      try {
        outcome = await send(m, action, msg);
      } catch (err) {
        // The adapters never throw; this keeps one broken method from losing the others' outcomes all the same.
        outcome = { delivered: false, detail: (err as Error).message || String(err) };
      }
      return { kind: m.kind, address: maskAddress(m.kind, m.address), ...outcome };
    }),
  );
  return {
    delivered: results.some((r) => r.delivered),
    detail: results.map((r) => (r.delivered ? `${r.kind} ok` : `${r.kind} failed (${r.detail})`)).join(", "),
    results,
  };
}
