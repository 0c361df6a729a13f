import { jsonRoute } from "@/server/boundary";
import { env } from "@/server/env";
import { invalid } from "@/server/errors";
import { parsePagerDutyWebhook, verifyPagerDutySignature, webhookSecrets } from "@/server/notify/pagerduty-webhook";
import { acknowledgePageFromPagerDuty } from "@/server/paging/inbound";
import { readBodyUpTo } from "@/server/read-body";

export const dynamic = "force-dynamic";

/** PagerDuty's webhook bodies are a few kilobytes; anything bigger is refused before it is held in memory. */
const MAX_BODY_BYTES = 256 * 1024;

const answer = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

/**
 * PagerDuty's v3 webhook receiver: point a webhook subscription (incident.acknowledged is the event that matters)
 * here and put its signing secret in PAGERDUTY_WEBHOOK_SECRET. There is no session or token: the signature is the
 * authentication. Without a configured secret, or with a missing or wrong signature, it answers 401 and does
 * nothing; a body too big 413, one that is not a v3 webhook 400. A verified `incident.acknowledged` acknowledges the
 * page with that dedup key (202 {result: "acknowledged" | "already" | "unknown"}); other events: 202 {result: "ignored"}.
 */
export async function POST(request: Request): Promise<Response> {
  const secrets = webhookSecrets(env.PAGERDUTY_WEBHOOK_SECRET);
  if (!secrets.length)
    return answer(401, {
      error: "unauthenticated",
      message: "This console takes no PagerDuty webhooks: PAGERDUTY_WEBHOOK_SECRET is not set.",
    });
  const text = await readBodyUpTo(request, MAX_BODY_BYTES);
  if (text === null)
    return answer(413, {
      error: "payload_too_large",
      message: `The webhook body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
    });
  if (!verifyPagerDutySignature(text, request.headers.get("x-pagerduty-signature"), secrets))
    return answer(401, {
      error: "unauthenticated",
      message: "The X-PagerDuty-Signature header is missing or does not match the body.",
    });
  try {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid("The webhook body is not valid JSON.");
    }
    const event = parsePagerDutyWebhook(json);
    if (event.eventType !== "incident.acknowledged") return answer(202, { result: "ignored" });
    const result = event.incidentKey ? await acknowledgePageFromPagerDuty(event.incidentKey) : "unknown";
    return answer(202, { result });
  } catch (err) {
    // Expected errors (an invalid body: 400) answer with their status; anything else is logged, a 500.
    return jsonRoute(() => Promise.reject(err));
  }
}
