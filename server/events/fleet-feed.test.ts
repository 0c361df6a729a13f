import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FleetStream, isFleetEvent } from "@/lib/fleet-stream";
import type { FleetSnapshot, RegionView } from "@/lib/fleet-view";
import { snapshotAt } from "@/lib/freshness";
import { announceHere } from "./bus";
import { FleetFeed } from "./fleet-feed";

/**
 * A two-region fleet: `status` of us-east-1 and a probe latency, the kind of figure that may wait for the tick;
 * `checkedAt` the newest sample's time (ms), `generatedAt` the server's clock when it was read.
 */
function fleet(status: RegionView["status"], latencyMs: number, checkedAt = 0, generatedAt = 0): FleetSnapshot {
  const region = (id: string, s: RegionView["status"]) =>
    ({
      id,
      status: s,
      lastStatus: s,
      reasons: [],
      role: "primary",
      latencyMs,
      checkedAt: new Date(checkedAt).toISOString(),
    }) as unknown as RegionView;
  return {
    generatedAt: new Date(generatedAt).toISOString(),
    simulated: false,
    staleAfterSeconds: 3,
    regions: [region("us-east-1", status), region("eu-west-1", "healthy")],
    alerts: [],
  } as FleetSnapshot;
}

/** Opens a stream on the feed; what it has received, as a page's FleetStream rebuilds it. */
function viewer(feed: FleetFeed) {
  const stream = new FleetStream();
  const seen: { event: string; snapshot: FleetSnapshot | null }[] = [];
  const leave = feed.join((message) => {
    const event = /^event: (.+)$/m.exec(message)![1]!;
    const data = /^data: (.+)$/m.exec(message)![1]!;
    seen.push({ event, snapshot: isFleetEvent(event) ? stream.receive(event, data) : null });
  });
  return { seen, leave, latest: () => seen.at(-1)?.snapshot };
}

describe("the fleet feed", () => {
  let now: FleetSnapshot;
  let reads: number;
  const feed = () =>
    new FleetFeed(async () => {
      reads++;
      return now;
    }, 5_000);

  beforeEach(() => {
    vi.useFakeTimers();
    now = fleet("healthy", 1);
    reads = 0;
  });
  afterEach(() => vi.useRealTimers());

  it("sends a change a person acts on at once, and figures alone only on the 5 s tick", async () => {
    const f = feed();
    const v = viewer(f);
    await vi.advanceTimersByTimeAsync(0);
    expect(v.seen.map((s) => s.event)).toEqual(["fleet"]);

    // Figures alone: nothing until 5 s after the last message.
    now = fleet("healthy", 2);
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(4_900);
    expect(v.seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(v.seen.map((s) => s.event)).toEqual(["fleet", "fleet-delta"]);
    expect(v.latest()).toEqual(now);

    // A status: at once, though the next tick is 5 s away.
    now = fleet("unhealthy", 2);
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(0);
    expect(v.seen.map((s) => s.event)).toEqual(["fleet", "fleet-delta", "fleet-delta"]);
    expect(v.latest()?.regions[0]?.status).toBe("unhealthy");
    v.leave();
  });

  it("a status change overtakes figures waiting for the tick, and carries them", async () => {
    const f = feed();
    const v = viewer(f);
    await vi.advanceTimersByTimeAsync(0);
    now = fleet("healthy", 3);
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(v.seen).toHaveLength(1);
    now = fleet("degraded", 4);
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(0);
    expect(v.seen).toHaveLength(2);
    expect(v.latest()).toEqual(fleet("degraded", 4));
    // The tick that was waiting is gone: nothing more without a change.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(v.seen).toHaveLength(2);
    v.leave();
  });

  it("reads once for every open stream, and a stream joining later starts from the whole snapshot", async () => {
    const f = feed();
    const viewers = Array.from({ length: 50 }, () => viewer(f));
    await vi.advanceTimersByTimeAsync(0);
    const before = reads;
    now = fleet("unhealthy", 1);
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(0);
    expect(reads - before).toBe(1);
    for (const v of viewers) expect(v.latest()).toEqual(now);
    const late = viewer(f);
    expect(late.seen.map((s) => s.event)).toEqual(["fleet"]);
    expect(late.latest()).toEqual(now);
    for (const v of [...viewers, late]) v.leave();
  });

  it("tells every stream when the store cannot be read, and sends the whole snapshot after", async () => {
    let failing = false;
    const f = new FleetFeed(async () => {
      if (failing) throw new Error("store away");
      return now;
    }, 5_000);
    const v = viewer(f);
    await vi.advanceTimersByTimeAsync(0);
    failing = true;
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(0);
    failing = false;
    announceHere("fleet");
    await vi.advanceTimersByTimeAsync(0);
    expect(v.seen.map((s) => s.event)).toEqual(["fleet", "error", "fleet"]);
    v.leave();
  });

  it("keeps a fresh fleet fresh on the page between figures ticks, with a few small messages", async () => {
    // Samples every second, as the collector takes them; the page ages what it holds by the server's clock.
    const sampled = () => fleet("healthy", (Date.now() / 1000) % 7, Date.now() - 300, Date.now());
    now = sampled();
    const f = feed();
    const v = viewer(f);
    const sizes: number[] = [];
    const leave = f.join((m) => sizes.push(m.length));
    await vi.advanceTimersByTimeAsync(0);
    for (let second = 0; second < 20; second++) {
      for (let tenth = 0; tenth < 10; tenth++) {
        await vi.advanceTimersByTimeAsync(100);
        const shown = snapshotAt(v.latest()!, Date.now());
        expect(shown.regions.map((r) => r.status)).toEqual(["healthy", "healthy"]);
      }
      now = sampled();
      announceHere("fleet");
    }
    // Figures every 5 s, sample times alone in between: far fewer messages than samples, each small.
    const freshOnly = sizes.slice(1).filter((n) => n < 300);
    expect(freshOnly.length).toBeGreaterThan(0);
    expect(sizes.length - 1).toBeLessThanOrEqual(16);
    leave();
    v.leave();
  });
});
