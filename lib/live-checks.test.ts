import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { evaluateCheck } from "./live-checks";

const down = { db: { up: false as const, error: "ECONNREFUSED" } };
const promoted = { db: { up: true as const, latencyMs: 1, inRecovery: false as const, timeline: 2, currentLsn: "0/6000000", links: [], slots: [] } };

describe("replica-promoted", () => {
  it("fails while the primary is down and no replica took over", () => {
    const s = snapshotOf([regionView("us-east-1", { role: "primary", sample: down }), regionView("eu-west-1"), regionView("ap-southeast-1")]);
    expect(evaluateCheck("replica-promoted", s)).toEqual({ holds: false, observed: "no server accepts writes: every one is in recovery or down" });
  });

  it("holds for a promoted replica, whether or not it is recorded as the primary yet", () => {
    const before = snapshotOf([regionView("us-east-1", { role: "primary", sample: down }), regionView("eu-west-1", { sample: promoted }), regionView("ap-southeast-1")]);
    const after = snapshotOf([regionView("us-east-1", { sample: down }), regionView("eu-west-1", { role: "primary", sample: promoted }), regionView("ap-southeast-1")]);
    for (const s of [before, after]) expect(evaluateCheck("replica-promoted", s)).toEqual({ holds: true, observed: "eu-west-1: pg_is_in_recovery() = f" });
  });

  it("does not hold while two servers accept writes (split brain)", () => {
    const s = snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1", { sample: promoted }), regionView("ap-southeast-1")]);
    expect(evaluateCheck("replica-promoted", s)).toMatchObject({ holds: false, observed: "2 servers accept writes: us-east-1, eu-west-1" });
  });
});
