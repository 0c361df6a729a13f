import { describe, expect, it } from "vitest";
import type { PageMessage } from "../deliver-page";
import { pageEmail } from "./email";
import { pagerDutyEnqueueUrl, pagerDutyEventBody } from "./pagerduty-events";
import { pageWebhookBody } from "./webhook";

const key = "R0ABCDEFGHIJKLMNOPQRSTUVWXYZ1234";
const msg: PageMessage = {
  dedupKey: "switchyard-inc-12-level-0",
  summary: "[P1] INC-12 Replica lag in eu-west-1: paging On-call engineer",
  severity: "error",
  url: "http://console.test/incidents/12",
  details: { incident: 12, lead: "Ana Lima", impact: null },
};

describe("the PagerDuty Events API v2 body", () => {
  it("a trigger carries the page: summary, source, severity, details, and a link back", () => {
    expect(pagerDutyEventBody(key, "trigger", msg)).toEqual({
      routing_key: key,
      event_action: "trigger",
      dedup_key: "switchyard-inc-12-level-0",
      payload: {
        summary: msg.summary,
        source: "switchyard",
        severity: "error",
        custom_details: { incident: 12, lead: "Ana Lima", impact: null },
      },
      links: [{ href: "http://console.test/incidents/12", text: "Open in Switchyard" }],
    });
  });

  it("an acknowledge or a resolve only names the page, by the same dedup key", () => {
    for (const action of ["acknowledge", "resolve"] as const)
      expect(pagerDutyEventBody(key, action, msg)).toEqual({
        routing_key: key,
        event_action: action,
        dedup_key: "switchyard-inc-12-level-0",
      });
  });

  it("keeps within PagerDuty's limits: a summary of 1024 characters, a dedup key of 255", () => {
    const long = pagerDutyEventBody(key, "trigger", { ...msg, summary: "x".repeat(2000), dedupKey: "k".repeat(300) });
    const summary = "payload" in long ? long.payload.summary : "";
    expect(summary).toHaveLength(1024);
    expect(summary.endsWith("…")).toBe(true);
    expect(long.dedup_key).toHaveLength(255);
  });

  it("goes to /v2/enqueue of the events URL", () => {
    expect(pagerDutyEnqueueUrl("https://events.pagerduty.com")).toBe("https://events.pagerduty.com/v2/enqueue");
    expect(pagerDutyEnqueueUrl("http://127.0.0.1:9999/")).toBe("http://127.0.0.1:9999/v2/enqueue");
  });
});

describe("the generic webhook body", () => {
  it("is Switchyard's own page JSON, the action and the dedup key with it", () => {
    expect(pageWebhookBody("acknowledge", msg)).toEqual({
      type: "page",
      action: "acknowledge",
      dedupKey: "switchyard-inc-12-level-0",
      summary: msg.summary,
      severity: "error",
      url: "http://console.test/incidents/12",
      details: { incident: 12, lead: "Ana Lima", impact: null },
    });
  });
});

describe("the email of a page", () => {
  const from = "Switchyard <pager@ops.example.com>";

  it("says what happened in the subject, and the link and details in the body", () => {
    const m = pageEmail("ana@example.com", "trigger", msg, from);
    expect(m).toMatchObject({ from, to: "ana@example.com", subject: `[PAGE] ${msg.summary}`, priority: "high" });
    expect(m.text).toContain("Open in Switchyard: http://console.test/incidents/12");
    expect(m.text).toContain("Severity: error");
    expect(m.text).toContain("lead: Ana Lima");
    expect(m.text).toContain("impact: —");
    expect(pageEmail("ana@example.com", "acknowledge", msg, from).subject).toBe(`[ACK] ${msg.summary}`);
    expect(pageEmail("ana@example.com", "resolve", msg, from).subject).toBe(`[RESOLVED] ${msg.summary}`);
  });

  it("keeps a page's mails in one thread, each with an id of its own", () => {
    const trigger = pageEmail("ana@example.com", "trigger", msg, from);
    const again = pageEmail("ana@example.com", "trigger", msg, from);
    const ack = pageEmail("ana@example.com", "acknowledge", msg, from);
    expect(trigger.references).toBe("<page.switchyard-inc-12-level-0@ops.example.com>");
    expect(ack).toMatchObject({ references: trigger.references, inReplyTo: trigger.references });
    expect(new Set([trigger.messageId, again.messageId, ack.messageId]).size).toBe(3);
    expect(trigger.messageId).toMatch(/^<trigger\.switchyard-inc-12-level-0\.[0-9a-f-]+@ops\.example\.com>$/);
    expect(ack.headers).toEqual({ "X-Switchyard-Page": msg.dedupKey, "X-Switchyard-Action": "acknowledge" });
  });

  it("puts a summary on one line of the subject", () => {
    expect(pageEmail("a@b.c", "trigger", { ...msg, summary: "two\r\nlines" }, from).subject).toBe("[PAGE] two lines");
  });
});
