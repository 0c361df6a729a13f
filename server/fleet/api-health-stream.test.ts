import { describe, expect, it } from "vitest";
import type { ApiHealth } from "@/lib/region-health";
import { healthChangeKey, healthEvents } from "./api-health-stream";

/** Feeds the chunks to a fresh parser and returns every health it read. */
function read(chunks: string[]): ApiHealth[] {
  const seen: ApiHealth[] = [];
  const parser = healthEvents((h) => seen.push(h));
  for (const chunk of chunks) parser.feed(chunk);
  return seen;
}

describe("the region API's health stream", () => {
  it("reads the lab's unnamed events, one per blank line", () => {
    expect(read(['data: {"status":"ok"}\n\ndata: {"status":"down"}\n\n']).map((h) => h.status)).toEqual(["ok", "down"]);
  });

  it("reads CRLF line endings, data over several lines and an event name split across chunks", () => {
    const chunks = [
      "event: hea",
      'lth\r\ndata: {"status":\r\n',
      'data: "degraded",\r\ndata: "db": {"connected": true}}\r',
      "\n\r\n",
    ];
    expect(read(chunks)).toEqual([{ status: "degraded", db: { connected: true } }]);
  });

  it("passes over other events and data that is not a health, and reads on after them", () => {
    const chunks = [
      "event: ping\r\ndata: {}\r\n\r\n",
      ": keep-alive\n\n",
      "data: not json\n\n",
      'data: {"status":"sideways"}\n\n',
      'data: {"status":"ok"}\n\n',
    ];
    expect(read(chunks).map((h) => h.status)).toEqual(["ok"]);
  });

  it("waits for the blank line that ends an event", () => {
    expect(read(['data: {"status":"ok"}\r\n'])).toEqual([]);
  });

  it("refuses to buffer without end a stream that never ends its event: the collector drops it and reconnects", () => {
    const parser = healthEvents(() => undefined);
    const line = `data: ${"x".repeat(64 * 1024)}\n`;
    expect(() => {
      for (let i = 0; i < 32; i++) parser.feed(line);
    }).toThrow();
  });
});

describe("healthChangeKey", () => {
  const sighting = {
    region: "us-east-1",
    reachable: true,
    inRecovery: false,
    latencyMs: 2,
    error: null,
    checkedAt: "2026-11-25T12:00:00.000Z",
  };
  const health: ApiHealth = {
    status: "ok",
    db: { connected: true, writable: true },
    mirrors: { status: "ok" },
    cdn: { status: "ok" },
    reaches: [sighting],
  };

  it("stays the same across beats that only move clocks and latencies", () => {
    const beat: ApiHealth = {
      ...health,
      now: "2026-11-25T12:00:01.000Z",
      reaches: [{ ...sighting, latencyMs: 9, checkedAt: "2026-11-25T12:00:01.000Z" }],
    };
    expect(healthChangeKey(beat)).toBe(healthChangeKey(health));
  });

  it("changes when what the region API reaches changes, so a lost region is looked at at once", () => {
    const lost: ApiHealth = {
      ...health,
      reaches: [{ ...sighting, reachable: false, inRecovery: null, latencyMs: null, error: "timed out connecting" }],
    };
    expect(healthChangeKey(lost)).not.toBe(healthChangeKey(health));
    const inRecovery: ApiHealth = { ...health, reaches: [{ ...sighting, inRecovery: true }] };
    expect(healthChangeKey(inRecovery)).not.toBe(healthChangeKey(health));
    const another: ApiHealth = { ...health, reaches: [sighting, { ...sighting, region: "eu-west-1" }] };
    expect(healthChangeKey(another)).not.toBe(healthChangeKey(health));
  });

  it("changes with the status, the database, the mirrors and the CDN", () => {
    const key = healthChangeKey(health);
    expect(healthChangeKey({ ...health, status: "degraded" })).not.toBe(key);
    expect(healthChangeKey({ ...health, db: { connected: true, writable: false } })).not.toBe(key);
    expect(healthChangeKey({ ...health, mirrors: { status: "degraded" } })).not.toBe(key);
    expect(healthChangeKey({ ...health, cdn: { status: "outage" } })).not.toBe(key);
  });
});
