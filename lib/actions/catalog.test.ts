import { describe, expect, it } from "vitest";
import { parseActionParams } from "./action-params";
import { actionCatalog, actionIds, targetOf } from "./catalog";
import { waitingFor } from "./run";

describe("the action catalog", () => {
  it("describes every action with a reverse, a timeout and a role that excludes viewers", () => {
    for (const id of actionIds) {
      const meta = actionCatalog[id];
      expect(meta.id).toBe(id);
      expect(meta.reverse.length).toBeGreaterThan(10);
      expect(meta.timeoutMs).toBeGreaterThan(0);
      expect(meta.role).not.toBe("viewer");
    }
  });

  it("marks promotion, repointing, CDN disable and switch, and rebuild as needing a second person", () => {
    const high = actionIds.filter((id) => actionCatalog[id].risk === "high");
    expect(high).toEqual(
      expect.arrayContaining([
        "db.promote-replica",
        "db.switchover",
        "db.repoint-app",
        "db.rebuild-replica",
        "cdn.disable",
        "cdn.switch-provider",
        "cdn.rollout",
        "traffic.drain-region",
        "traffic.restore-region",
        "traffic.set-weights",
      ]),
    );
    expect(actionCatalog["db.verify-primary"].risk).toBe("low");
    expect(actionCatalog["mirrors.resync"].risk).toBe("low");
  });

  it.each([
    ["db.promote-replica", { region: "eu-west-1; rm -rf /" }],
    ["db.promote-replica", { region: "eu-west-1", sql: "drop table x" }],
    ["db.repoint-app", { primary: "eu-west-1", regions: ["$(id)"] }],
    ["db.repoint-app", { primary: "eu-west-1", regions: [] }],
    ["cdn.switch-provider", { provider: "bunny && curl evil", regions: ["eu-west-1"] }],
    ["cdn.rollout", { provider: "bunny", regions: ["eu-west-1"], holdSeconds: [0, 10] }],
    ["cdn.rollout", { provider: "bunny", regions: ["eu-west-1"], onFailure: "ignore" }],
    ["mirrors.resync", { region: "all' --" }],
  ] as const)("refuses %s with %j", (id, params) => {
    expect(parseActionParams(id, params).success).toBe(false);
  });

  it("accepts well-formed parameters and fills the rollout's runbook hold times and failure policy", () => {
    expect(parseActionParams("db.promote-replica", { region: "eu-west-1" }).success).toBe(true);
    const rollout = parseActionParams("cdn.rollout", { provider: "bunny", regions: ["us-east-1"] });
    expect(rollout.success && rollout.data).toMatchObject({ holdSeconds: [3600, 7200], onFailure: "pause" });
    const back = parseActionParams("cdn.rollout", { provider: "bunny", regions: ["us-east-1"], onFailure: "rollback" });
    expect(back.success && back.data).toMatchObject({ onFailure: "rollback" });
  });

  it("locks promotions and switchovers on the whole cluster, API changes on their regions", () => {
    expect(targetOf("db.promote-replica", { region: "eu-west-1" })).toBe(
      targetOf("db.switchover", { candidate: "ap-southeast-1" }),
    );
    expect(targetOf("db.repoint-app", { primary: "eu-west-1", regions: ["us-east-1", "eu-west-1"] })).toBe(
      targetOf("cdn.disable", { regions: ["eu-west-1", "us-east-1"] }),
    );
  });

  it("says what a pending run waits for", () => {
    const ok = [{ id: "a", label: "a", ok: true, observed: "" }];
    const failing = [{ id: "a", label: "a", ok: false, observed: "" }];
    expect(waitingFor({ status: "pending", risk: "high", preflight: ok, override: null })).toBe("approval");
    expect(waitingFor({ status: "pending", risk: "low", preflight: ok, override: null })).toBeNull();
    expect(waitingFor({ status: "pending", risk: "low", preflight: failing, override: null })).toBe("override");
    expect(
      waitingFor({
        status: "pending",
        risk: "high",
        preflight: failing,
        override: { by: { id: "1", name: "L", email: "l@x" }, reason: "r", at: "" },
      }),
    ).toBe("approval");
    expect(waitingFor({ status: "running", risk: "high", preflight: ok, override: null })).toBeNull();
  });
});
