import "server-only";
import { env } from "@/server/env";
import { postJson } from "./post-json";

/** Posts an incident message to the configured Slack-compatible incoming webhook. */
export async function postToIncidentChannel(text: string): Promise<{ delivered: boolean; detail: string }> {
  if (!env.SLACK_WEBHOOK_URL) return { delivered: false, detail: "no Slack webhook configured (SLACK_WEBHOOK_URL)" };
  return postJson(env.SLACK_WEBHOOK_URL, { text });
}
