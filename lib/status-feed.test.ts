import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import { renderAtom, summaryJson } from "./status-feed";
import { publicStatusOf, type PublicIncidentRecord } from "./status-page";

/** A fleet whose samples are full of internals: addresses, ports, WAL positions, error codes. */
const PORT = "55432";
const HOST = "10.9.8.7";
const internals = (id: string, role: "primary" | "replica") => {
  const r = regionView(id, { role });
  const db = r.sample!.db!;
  return {
    ...r,
    apiUrl: `http://${HOST}:54321`,
    sample: {
      ...r.sample!,
      db:
        db.up && db.inRecovery
          ? {
              ...db,
              receiveLsn: "0/7A0001C8",
              replayLsn: "0/7A0001C8",
              receiver: {
                status: "streaming",
                silenceSeconds: 0,
                senderHost: HOST,
                senderPort: Number(PORT),
                slot: "s",
              },
            }
          : db,
      api:
        role === "primary"
          ? {
              up: false as const,
              latencyMs: 3,
              timedOut: false,
              error: `connect ECONNREFUSED ${HOST}:${PORT}`,
              errorCode: "ECONNREFUSED",
            }
          : r.sample!.api,
    },
  };
};

const now = Date.parse("2026-11-25T12:00:00Z");
const records: PublicIncidentRecord[] = [
  {
    id: 12,
    status: "investigating",
    severity: "P1",
    scenarioId: "primary-database-failure",
    regions: ["us-east-1"],
    resolvedAt: null,
    updates: [
      {
        id: "31",
        title: `Uploads <failing> & "slow"`,
        status: "investigating",
        body: "We are investigating.\nMore soon.",
        postedAt: "2026-11-25T11:58:00.000Z",
      },
    ],
  },
  {
    id: 9,
    status: "resolved",
    severity: "P2",
    scenarioId: "cdn-provider-outage",
    regions: [],
    resolvedAt: "2026-11-20T10:00:00.000Z",
    updates: [
      {
        id: "20",
        title: "Slow video start",
        status: "resolved",
        body: "Resolved.",
        postedAt: "2026-11-20T09:59:00.000Z",
      },
    ],
  },
];
const status = publicStatusOf(
  {
    regions: [internals("us-east-1", "primary"), internals("eu-west-1", "replica")],
    generatedAt: new Date(now).toISOString(),
  },
  records,
  [],
  now,
);
const served = { status, servedAt: "2026-11-25T12:00:40.000Z", fromMemory: true };

function expectNoInternals(text: string) {
  for (const x of [HOST, PORT, "54321", "0/7A0001C8", "0/5000000", "ECONNREFUSED", "cloudflare", "@"])
    expect(text, `contains ${x}`).not.toContain(x);
}

describe("the Atom feed", () => {
  const atom = renderAtom(status, "https://status.example.com");

  it("has one entry per incident with its public title, status and updates, escaped", () => {
    expect(atom.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(
      true,
    );
    expect(atom.match(/<entry>/g)).toHaveLength(2);
    expect(atom).toContain("<title>Uploads &lt;failing&gt; &amp; &quot;slow&quot; — Investigating</title>");
    expect(atom).toContain("<id>https://status.example.com/status#inc-12</id>");
    expect(atom).toContain("<updated>2026-11-25T12:00:00.000Z</updated>");
    expect(atom).toContain(
      '<link rel="self" type="application/atom+xml" href="https://status.example.com/status/feed.atom"/>',
    );
    // The update's HTML is escaped once more as the element's text: no raw markup inside <content>.
    expect(atom).toContain("&lt;strong&gt;Investigating&lt;/strong&gt;");
    expect(atom).toContain("We are investigating.&lt;br&gt;More soon.");
    expect(atom).toContain("<title>Slow video start — Resolved</title>");
  });

  it("shows no internals of the fleet", () => expectNoInternals(atom));
});

describe("the JSON summary", () => {
  const json = summaryJson(served, "https://status.example.com");

  it("is shaped like Statuspage's summary, with the status's age", () => {
    expect(json.page).toEqual({
      name: "Service status",
      url: "https://status.example.com/status",
      updated_at: "2026-11-25T12:00:00.000Z",
      served_at: "2026-11-25T12:00:40.000Z",
      age_seconds: 40,
      from_memory: true,
    });
    expect(json.status).toEqual({ indicator: "critical", description: "Major outage" });
    expect(json.components.find((c) => c.id === "api-us-east-1")).toMatchObject({
      name: "API · us-east-1",
      group_name: "API",
      status: "major_outage",
      uptime_90d: { percent: null, days_with_data: 0 },
    });
    // Unresolved incidents only, as Statuspage's summary has them.
    expect(json.incidents).toEqual([
      expect.objectContaining({
        id: "inc-12",
        name: `Uploads <failing> & "slow"`,
        status: "investigating",
        impact: "partial_outage",
        shortlink: "https://status.example.com/status#inc-12",
        incident_updates: [
          {
            id: "31",
            status: "investigating",
            body: "We are investigating.\nMore soon.",
            created_at: "2026-11-25T11:58:00.000Z",
          },
        ],
      }),
    ]);
    expect(json.scheduled_maintenances).toEqual([]);
  });

  it("shows no internals of the fleet", () => expectNoInternals(JSON.stringify(json)));
});

describe("maintenance in the feed and the summary", () => {
  const withMaintenance = publicStatusOf(
    { regions: [regionView("us-east-1", { role: "primary" }), regionView("eu-west-1")], generatedAt: "" },
    [],
    [],
    now,
    [
      {
        id: "mnt-4",
        title: "Database upgrade <eu>",
        components: ["api-eu-west-1"],
        startsAt: "2026-11-25T11:00:00.000Z",
        endsAt: "2026-11-25T13:00:00.000Z",
        announcedAt: "2026-11-24T08:00:00.000Z",
      },
      {
        id: "mnt-5",
        title: "Mirror resync",
        components: ["mirrors-us-east-1"],
        startsAt: "2026-11-26T11:00:00.000Z",
        endsAt: "2026-11-26T12:00:00.000Z",
        announcedAt: "2026-11-25T12:30:00.000Z",
      },
    ],
  );

  it("lists the windows as Statuspage's scheduled_maintenances, in progress first", () => {
    const json = summaryJson(
      { status: withMaintenance, servedAt: "2026-11-25T12:00:00.000Z", fromMemory: false },
      "https://status.example.com",
    );
    expect(json.status).toEqual({ indicator: "maintenance", description: "Maintenance in progress" });
    expect(json.scheduled_maintenances).toEqual([
      {
        id: "mnt-4",
        name: "Database upgrade <eu>",
        status: "in_progress",
        created_at: "2026-11-24T08:00:00.000Z",
        scheduled_for: "2026-11-25T11:00:00.000Z",
        scheduled_until: "2026-11-25T13:00:00.000Z",
        shortlink: "https://status.example.com/status#mnt-4",
        components: ["api-eu-west-1"],
      },
      expect.objectContaining({ id: "mnt-5", status: "scheduled", components: ["mirrors-us-east-1"] }),
    ]);
  });

  it("has an entry per window, escaped, with the names of its components", () => {
    const atom = renderAtom(withMaintenance, "https://status.example.com");
    expect(atom.match(/<entry>/g)).toHaveLength(2);
    expect(atom).toContain("<title>Scheduled maintenance: Database upgrade &lt;eu&gt; — In progress</title>");
    expect(atom).toContain("<id>https://status.example.com/status#mnt-5</id>");
    expect(atom).toContain("Components: API · eu-west-1");
    // The feed is as new as its newest announcement.
    expect(atom).toContain("<updated>2026-11-25T12:30:00.000Z</updated>");
  });
});
