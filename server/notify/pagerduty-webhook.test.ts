import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePagerDutyWebhook, verifyPagerDutySignature, webhookSecrets } from "./pagerduty-webhook";

const secret = "pd-webhook-secret-one";
const other = "pd-webhook-secret-two";
const body = JSON.stringify({
  event: {
    id: "01DEN7W0NQ7ABCDEF",
    event_type: "incident.acknowledged",
    resource_type: "incident",
    occurred_at: "2026-03-13T18:04:00.000Z",
    agent: { id: "PLH1HKV", type: "user_reference", summary: "Ana Lima" },
    data: { id: "PGR0VU2", type: "incident", status: "acknowledged", incident_key: "switchyard-inc-12-level-0" },
  },
});
const sign = (raw: string, key: string) => `v1=${createHmac("sha256", key).update(raw, "utf8").digest("hex")}`;

describe("verifyPagerDutySignature", () => {
  it("takes the HMAC-SHA256 of the raw body under the secret", () => {
    expect(verifyPagerDutySignature(body, sign(body, secret), [secret])).toBe(true);
  });

  it("refuses a signature made with another secret", () => {
    expect(verifyPagerDutySignature(body, sign(body, other), [secret])).toBe(false);
  });

  it("refuses a body changed after signing, even by one character or its whitespace", () => {
    const header = sign(body, secret);
    expect(verifyPagerDutySignature(body.replace("level-0", "level-1"), header, [secret])).toBe(false);
    expect(verifyPagerDutySignature(JSON.stringify(JSON.parse(body), null, 1), header, [secret])).toBe(false);
  });

  it("signs the body's UTF-8 bytes", () => {
    const accented = body.replace("Ana Lima", "Zoë Ñúñez");
    expect(verifyPagerDutySignature(accented, sign(accented, secret), [secret])).toBe(true);
  });

  it("takes a header with several v1 entries (a secret being rotated) when any one matches, either way round", () => {
    const both = `${sign(body, other)},${sign(body, secret)}`;
    expect(verifyPagerDutySignature(body, both, [secret])).toBe(true);
    expect(verifyPagerDutySignature(body, both.replace(",", ", "), [secret])).toBe(true);
    expect(verifyPagerDutySignature(body, sign(body, other), [secret, other])).toBe(true);
    expect(verifyPagerDutySignature(body, `${sign(body, "a")},${sign(body, "b")}`, [secret])).toBe(false);
  });

  it("refuses a missing or empty header, no secret, and entries that are not v1 hex digests", () => {
    expect(verifyPagerDutySignature(body, null, [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, "", [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, sign(body, secret), [])).toBe(false);
    const hex = sign(body, secret).slice(3);
    expect(verifyPagerDutySignature(body, `v2=${hex}`, [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, hex, [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, `v1=${hex.slice(0, 40)}`, [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, `v1=${hex}00`, [secret])).toBe(false);
    expect(verifyPagerDutySignature(body, "v1=not-hex", [secret])).toBe(false);
  });
});

describe("webhookSecrets", () => {
  it("reads one secret or a comma-separated list, and nothing from an unset setting", () => {
    expect(webhookSecrets(undefined)).toEqual([]);
    expect(webhookSecrets("  ")).toEqual([]);
    expect(webhookSecrets("abc")).toEqual(["abc"]);
    expect(webhookSecrets("abc, def,")).toEqual(["abc", "def"]);
  });
});

describe("parsePagerDutyWebhook", () => {
  it("reads the event type and the incident key of a v3 incident event", () => {
    expect(parsePagerDutyWebhook(JSON.parse(body))).toEqual({
      eventType: "incident.acknowledged",
      incidentKey: "switchyard-inc-12-level-0",
    });
  });

  it("takes events without an incident key (a note, a service change, PagerDuty's test ping)", () => {
    expect(
      parsePagerDutyWebhook({
        event: { event_type: "incident.annotated", data: { incident: { id: "PGR0VU2" }, content: "on it" } },
      }),
    ).toEqual({ eventType: "incident.annotated", incidentKey: null });
    expect(parsePagerDutyWebhook({ event: { event_type: "pagey.ping", data: null } })).toEqual({
      eventType: "pagey.ping",
      incidentKey: null,
    });
    expect(
      parsePagerDutyWebhook({ event: { event_type: "incident.resolved", data: { incident_key: null } } }).incidentKey,
    ).toBeNull();
  });

  it("refuses what is not a v3 webhook body, as invalid input", () => {
    for (const bad of [null, [], "incident.acknowledged", {}, { event: {} }, { event: { event_type: "" } }])
      expect(() => parsePagerDutyWebhook(bad)).toThrow(expect.objectContaining({ code: "invalid" }));
    // A v2 webhook ({messages: [...]}) is not taken.
    expect(() => parsePagerDutyWebhook({ messages: [{ event: "incident.acknowledge" }] })).toThrow(
      /Not a PagerDuty v3 webhook body: event/,
    );
  });
});
