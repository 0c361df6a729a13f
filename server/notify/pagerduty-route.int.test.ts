import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * POST /api/v1/integrations/pagerduty, called as PagerDuty calls it: the signature is the only authentication, a
 * refused or invalid call does nothing, and a verified `incident.acknowledged` acknowledges the page its incident key
 * names. What acknowledging does is server/paging/inbound.ts's (tested with the escalation): here its call is
 * recorded, not made.
 */

const acknowledged: string[] = [];
vi.mock("@/server/paging/inbound", () => ({
  acknowledgePageFromPagerDuty: vi.fn(async (dedupKey: string) => {
    acknowledged.push(dedupKey);
    return dedupKey === "switchyard-inc-1-level-0" ? "acknowledged" : "unknown";
  }),
}));

const secret = "whsec-route-test-0123456789";
const rotated = "whsec-route-test-old";
process.env.PAGERDUTY_WEBHOOK_SECRET = `${secret}, ${rotated}`;
process.env.LAB_DIR = "/nonexistent-lab";

const route = await import("@/app/api/v1/integrations/pagerduty/route");

const sign = (raw: string, key = secret) => `v1=${createHmac("sha256", key).update(raw, "utf8").digest("hex")}`;
const event = (eventType: string, incidentKey: string | null = "switchyard-inc-1-level-0") =>
  JSON.stringify({
    event: {
      id: "01DEN7W0NQ",
      event_type: eventType,
      resource_type: "incident",
      occurred_at: "2026-03-13T18:04:00.000Z",
      agent: { id: "PLH1HKV", type: "user_reference" },
      data: { id: "PGR0VU2", type: "incident", status: "acknowledged", incident_key: incidentKey },
    },
  });
const post = (body: string, signature: string | null, headers: Record<string, string> = {}) =>
  route.POST(
    new Request("http://console.test/api/v1/integrations/pagerduty", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(signature === null ? {} : { "x-pagerduty-signature": signature }),
        ...headers,
      },
      body,
    }),
  );

afterEach(() => {
  acknowledged.length = 0;
});

describe("POST /api/v1/integrations/pagerduty", () => {
  it("acknowledges the page a verified incident.acknowledged names, answering 202 with the result", async () => {
    const body = event("incident.acknowledged");
    const res = await post(body, sign(body));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ result: "acknowledged" });
    expect(acknowledged).toEqual(["switchyard-inc-1-level-0"]);
  });

  it("takes a signature made with a secret being rotated out, and a header with several entries", async () => {
    const body = event("incident.acknowledged", "switchyard-inc-404-level-0");
    const res = await post(body, `${sign(body, "someone-else")},${sign(body, rotated)}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ result: "unknown" });
    expect(acknowledged).toEqual(["switchyard-inc-404-level-0"]);
  });

  it("refuses a missing, wrong or stale signature with 401, and does nothing", async () => {
    const body = event("incident.acknowledged");
    for (const signature of [null, "", sign(body, "not-the-secret"), "v1=deadbeef", sign(event("incident.resolved"))]) {
      const res = await post(body, signature);
      expect(res.status, String(signature)).toBe(401);
      expect(await res.json()).toMatchObject({ error: "unauthenticated" });
    }
    // The body changed after signing.
    const res = await post(body.replace("level-0", "level-1"), sign(body));
    expect(res.status).toBe(401);
    expect(acknowledged).toEqual([]);
  });

  it("answers 400 to a signed body that is not a v3 webhook, and does nothing", async () => {
    for (const body of ["{not json", JSON.stringify({ messages: [] }), JSON.stringify({ event: { event_type: "" } })]) {
      const res = await post(body, sign(body));
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid" });
    }
    expect(acknowledged).toEqual([]);
  });

  it("takes other events and an acknowledgement without an incident key, acting on none", async () => {
    for (const [body, result] of [
      [event("incident.resolved"), "ignored"],
      [event("incident.triggered"), "ignored"],
      [JSON.stringify({ event: { event_type: "pagey.ping", data: null } }), "ignored"],
      [event("incident.acknowledged", null), "unknown"],
    ] as const) {
      const res = await post(body, sign(body));
      expect(res.status, body).toBe(202);
      expect(await res.json()).toEqual({ result });
    }
    expect(acknowledged).toEqual([]);
  });

  it("refuses a body too big before reading it whole (413)", async () => {
    const body = JSON.stringify({
      event: { event_type: "incident.annotated", data: { content: "x".repeat(300_000) } },
    });
    const res = await post(body, sign(body));
    expect(res.status).toBe(413);
    expect(acknowledged).toEqual([]);
  });

  it("refuses everything with 401 when no secret is configured", async () => {
    vi.resetModules();
    delete process.env.PAGERDUTY_WEBHOOK_SECRET;
    const unconfigured = await import("@/app/api/v1/integrations/pagerduty/route");
    const body = event("incident.acknowledged");
    const res = await unconfigured.POST(
      new Request("http://console.test/api/v1/integrations/pagerduty", {
        method: "POST",
        headers: { "content-type": "application/json", "x-pagerduty-signature": sign(body) },
        body,
      }),
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining("PAGERDUTY_WEBHOOK_SECRET") });
    expect(acknowledged).toEqual([]);
  });
});
