import "server-only";
import type { PageAction, PageMessage } from "../deliver-page";
import { postJson } from "../post-json";

/**
 * The generic JSON webhook: Switchyard's own page body, POSTed to the person's URL for every action of a page (a
 * trigger, then its acknowledgement or resolution under the same `dedupKey`), with postJson's timeout and retries.
 */

export function pageWebhookBody(action: PageAction, msg: PageMessage) {
  return {
    type: "page" as const,
    action,
    dedupKey: msg.dedupKey,
    summary: msg.summary,
    severity: msg.severity,
    url: msg.url,
    details: msg.details,
  };
}

export async function sendPageWebhook(
  url: string,
  action: PageAction,
  msg: PageMessage,
): Promise<{ delivered: boolean; detail: string }> {
  return postJson(url, pageWebhookBody(action, msg));
}
