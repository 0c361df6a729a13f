import { describe, expect, it } from "vitest";
import type { PlanStage } from "@/lib/actions/run";
import type { RunContext } from "./module";
import { Plan, PlanStopped } from "./plan";

/** A plan's steps as its run page sees them: each published state, through a RunContext by hand. */
function context() {
  const published: PlanStage[][] = [];
  const ctx = {
    log: () => undefined,
    progress: () => undefined,
    stages: (list: PlanStage[]) => published.push(list),
  } as unknown as RunContext;
  return { ctx, published, last: () => published.at(-1)!.map((s) => `${s.key}:${s.status}`) };
}

const ok = (id: string) => ({ id, label: id, ok: true, observed: "fine" });
const bad = (id: string) => ({ id, label: id, ok: false, observed: "not fine" });
const STEPS = [
  { key: "a", title: "First" },
  { key: "b", title: "Second" },
  { key: "c", title: "Third" },
];

describe("a plan of steps", () => {
  it("runs each step's pre-flight, work and verification in order, all verified", async () => {
    const { ctx, last } = context();
    const order: string[] = [];
    const plan = new Plan(ctx, STEPS, async () => "unused");
    expect(last()).toEqual(["a:pending", "b:pending", "c:pending"]);
    for (const key of ["a", "b", "c"])
      await plan.step(key, {
        percent: [0, 1],
        preflight: async () => (order.push(`${key} pre`), [ok(`${key}-pre`)]),
        run: async () => (order.push(`${key} run`), key),
        verify: async (seen) => (order.push(`${key} verify ${seen}`), [ok(`${key}-post`)]),
      });
    expect(order).toEqual([
      "a pre",
      "a run",
      "a verify a",
      "b pre",
      "b run",
      "b verify b",
      "c pre",
      "c run",
      "c verify c",
    ]);
    expect(last()).toEqual(["a:passed", "b:passed", "c:passed"]);
  });

  it("stops at a failing pre-flight before the step does anything, the later steps not run, saying where the fleet stands", async () => {
    const { ctx, published, last } = context();
    const plan = new Plan(ctx, STEPS, async (key) => `The fleet now: as it was before ${key}.`);
    await plan.step("a", { percent: [0, 1], run: async () => undefined, verify: async () => [ok("a")] });
    let ran = false;
    const stopped = plan.step("b", {
      percent: [1, 2],
      preflight: async () => [bad("candidate-up")],
      run: async () => void (ran = true),
      verify: async () => [ok("b")],
    });
    await expect(stopped).rejects.toBeInstanceOf(PlanStopped);
    await expect(stopped).rejects.toThrow(
      /^Stopped at step 2 of 3 \(Second\): its pre-flight failed: candidate-up: not fine\. The fleet now: as it was before b\.$/,
    );
    expect(ran).toBe(false);
    expect(last()).toEqual(["a:passed", "b:failed", "c:skipped"]);
    expect(published.at(-1)![2]!.note).toBe("not run: the plan stopped at step 2");
  });

  it("stops when a step's work throws or its verification fails or cannot run", async () => {
    for (const [step, why] of [
      [
        { run: async () => Promise.reject(new Error("pg_promote timed out")), verify: async () => [] },
        /pg_promote timed out/,
      ],
      [
        { run: async () => undefined, verify: async () => [bad("writes")] },
        /its verification failed: writes: not fine/,
      ],
      [
        { run: async () => undefined, verify: async () => Promise.reject(new Error("store away")) },
        /its verification could not run: store away/,
      ],
    ] as const) {
      const { ctx, last } = context();
      const plan = new Plan(ctx, STEPS, async () => "Next: read the steps.");
      await expect(plan.step("a", { percent: [0, 1], ...step })).rejects.toThrow(why);
      expect(last()).toEqual(["a:failed", "b:skipped", "c:skipped"]);
    }
  });
});
