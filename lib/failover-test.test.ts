import { describe, expect, it } from "vitest";
import { failoverTestPhase, monitorWords, nextTestDue, type FailoverTestView } from "./failover-test";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function failoverTest(over: Partial<FailoverTestView> = {}): FailoverTestView {
  return {
    id: 1,
    startsAt: iso(0),
    endsAt: iso(90),
    cancelledAt: null,
    primaryRegion: "us-east-1",
    candidate: "eu-west-1",
    remindMinutes: 60,
    scheduledBy: "Lee",
    scheduledAt: iso(-1440),
    remindedAt: null,
    reminderNote: null,
    switchover: null,
    writeGapMs: null,
    monitor: { startedAt: null, result: null, breaks: 0, note: null },
    failback: null,
    finishedAt: null,
    ...over,
  };
}
const run = { id: 7, actionId: "db.switchover", requestedBy: "Eli", approvedBy: "Lee", finishedAt: iso(5) };

describe("a failover test's phase", () => {
  it("follows its window until the switchover, then its record", () => {
    expect(failoverTestPhase(failoverTest(), at(-10))).toBe("scheduled");
    expect(failoverTestPhase(failoverTest(), at(10))).toBe("due");
    expect(failoverTestPhase(failoverTest(), at(90))).toBe("missed");
    expect(failoverTestPhase(failoverTest({ cancelledAt: iso(-5) }), at(10))).toBe("cancelled");
    const switched = failoverTest({
      switchover: run,
      monitor: { startedAt: iso(6), result: null, breaks: 0, note: null },
    });
    expect(failoverTestPhase(switched, at(20))).toBe("monitoring");
    // A window cancelled after the switchover still needs its failback.
    const held = { ...switched, cancelledAt: iso(40), monitor: { ...switched.monitor, result: "held" as const } };
    expect(failoverTestPhase(held, at(120))).toBe("fail-back");
    expect(failoverTestPhase({ ...held, finishedAt: iso(45) }, at(120))).toBe("done");
  });

  it("words the monitoring as a stability timer: time held and left, started over at a break, its result", () => {
    expect(monitorWords(failoverTest(), at(10))).toBe("Not started");
    expect(monitorWords(failoverTest({ switchover: run }), at(10))).toBe("Waits for a healthy fleet");
    const m = (over: Partial<FailoverTestView["monitor"]>) =>
      failoverTest({
        switchover: run,
        monitor: { startedAt: iso(6), result: null, breaks: 0, note: null, ...over },
      });
    expect(monitorWords(m({}), at(18))).toBe("Healthy for 12 of 30 min · 18 min left");
    expect(monitorWords(m({}), at(60))).toBe("Healthy for 30 of 30 min · 0 min left");
    const broke = { breaks: 1, note: "eu-west-1 unhealthy after 3 min healthy" };
    expect(monitorWords(m({ ...broke, startedAt: null }), at(20))).toBe(
      "Waits for a healthy fleet (started over after 1 break; last: eu-west-1 unhealthy after 3 min healthy)",
    );
    expect(monitorWords(m({ ...broke, startedAt: iso(20) }), at(25))).toBe(
      "Healthy for 5 of 30 min · 25 min left (started over after 1 break; last: eu-west-1 unhealthy after 3 min healthy)",
    );
    expect(monitorWords(m({ result: "held", breaks: 2 }), at(90))).toBe(
      "Healthy for 30 min without a break after 2 breaks",
    );
    expect(monitorWords(m({ result: "cut-short", note: "Failed back after 4 of 30 min healthy" }), at(90))).toBe(
      "Failed back after 4 of 30 min healthy",
    );
  });

  it("is next due a month after the last one finished, and not before the first", () => {
    expect(nextTestDue([failoverTest()])).toBeNull();
    const due = nextTestDue([
      failoverTest({ finishedAt: iso(60) }),
      failoverTest({ finishedAt: iso(-40_000) }),
      failoverTest(),
    ]);
    expect(due?.toISOString()).toBe(new Date(T0 + 60 * 60_000 + 31 * 86_400_000).toISOString());
  });
});
