import { describe, expect, it } from "vitest";
import type { DbSample } from "./fleet-sample";
import { lsnDistance, lsnToBytes } from "./lsn";
import { lagCrossingTime, replicaLag } from "./replication-lag";

type Replica = Extract<DbSample, { inRecovery: true }>;
const now = Date.parse("2026-11-25T12:00:10Z");
const replica = (replayLsn: string, lastReplayAt: string | null, status = "streaming"): Replica => ({
  up: true,
  latencyMs: 1,
  inRecovery: true,
  timeline: 1,
  receiveLsn: replayLsn,
  replayLsn,
  lastReplayAt,
  replayPaused: false,
  receiver: { status, silenceSeconds: 0, senderHost: null, senderPort: null, slot: null },
});

describe("LSNs", () => {
  it("reads both halves of an LSN", () => {
    expect(lsnToBytes("0/3000148")).toBe(0x3000148);
    expect(lsnToBytes("16/B374D848")).toBe(0x16 * 2 ** 32 + 0xb374d848);
    expect(lsnToBytes("garbage")).toBeNull();
    expect(lsnDistance("1/0", "0/FFFFFFFF")).toBe(1);
    expect(lsnDistance("0/10", "0/20")).toBe(0);
  });
});

describe("replicaLag", () => {
  it("reads zero on a caught-up replica of an idle primary, however old its last transaction", () => {
    expect(replicaLag(replica("0/5000000", "2026-11-25T11:00:00Z"), "0/5000000", now)).toEqual({
      bytes: 0,
      seconds: 0,
      streaming: true,
    });
  });

  it("grows with the age of the last replayed transaction while WAL waits to be replayed", () => {
    expect(replicaLag(replica("0/5000000", "2026-11-25T12:00:03Z"), "0/5000400", now)).toEqual({
      bytes: 0x400,
      seconds: 7,
      streaming: true,
    });
  });

  it("is unknown, not zero, when the primary's position is unknown", () => {
    expect(replicaLag(replica("0/5000000", "2026-11-25T12:00:03Z", "waiting"), null, now)).toEqual({
      bytes: null,
      seconds: null,
      streaming: false,
    });
  });

  it("knows when a stalled replica will cross the threshold", () => {
    const r = replica("0/5000000", "2026-11-25T12:00:08Z");
    const lag = replicaLag(r, "0/5000400", now);
    expect(lagCrossingTime(r, lag, 5)).toBe(Date.parse("2026-11-25T12:00:13Z"));
    expect(lagCrossingTime(r, { ...lag, seconds: 6 }, 5)).toBeNull();
  });
});
