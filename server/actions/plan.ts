import "server-only";
import type { Check, PlanStage } from "@/lib/actions/run";
import type { RunContext } from "./module";

/**
 * An action made of steps (a plan): each step checks its own pre-flight right before it runs, does its work and
 * verifies it, and the plan stops at the first step that fails, the later ones marked not run. The steps' states
 * are kept on the run (RunContext.stages), so its page shows where the plan is and where it stopped.
 */

export interface PlanStep<Seen> {
  /** what must hold right before it runs; a failing check stops the plan before the step does anything */
  preflight?: () => Promise<Check[]>;
  run: () => Promise<Seen>;
  /** what must hold after it; a failing check stops the plan */
  verify: (seen: Seen) => Promise<Check[]>;
  /** the whole run's progress at the step's start and end */
  percent: [number, number];
}

/** The plan stopped at a step: `message` says where, why, what state the fleet is in and what to do next. */
export class PlanStopped extends Error {}

const failed = (checks: Check[]) => checks.filter((c) => !c.ok);
const describe = (checks: Check[]) => checks.map((c) => `${c.label}: ${c.observed}`).join("; ");

export class Plan {
  private readonly stages: PlanStage[];

  /**
   * `aftermath` says, for the step that failed, what state the fleet is in now and what to do next (read live:
   * a plan that stops mid-way leaves the fleet somewhere between its start and its end).
   */
  constructor(
    private readonly ctx: RunContext,
    steps: Pick<PlanStage, "key" | "title" | "region">[],
    private readonly aftermath: (key: string) => Promise<string>,
  ) {
    this.stages = steps.map((s) => ({
      ...s,
      status: "pending",
      checks: [],
      note: null,
      startedAt: null,
      finishedAt: null,
    }));
    this.publish();
  }

  async step<Seen>(key: string, step: PlanStep<Seen>): Promise<Seen> {
    const stage = this.stages.find((s) => s.key === key);
    if (!stage) throw new Error(`the plan has no step ${key}`);
    const n = this.stages.indexOf(stage) + 1;
    this.update(stage, { status: "running", startedAt: new Date().toISOString() });
    this.ctx.progress(step.percent[0], `step ${n} of ${this.stages.length}: ${stage.title}`);
    const attempt = <T>(work: () => Promise<T>, what: string) =>
      work().catch((err: Error) => this.stop(stage, `${what}${err.message}`));
    const pre = step.preflight ? await attempt(step.preflight, "its pre-flight could not run: ") : [];
    this.update(stage, { checks: pre });
    if (failed(pre).length) return this.stop(stage, `its pre-flight failed: ${describe(failed(pre))}`);
    const seen = await attempt(step.run, "");
    const post = await attempt(() => step.verify(seen), "its verification could not run: ");
    this.update(stage, { checks: [...pre, ...post] });
    if (failed(post).length) return this.stop(stage, `its verification failed: ${describe(failed(post))}`);
    this.update(stage, { status: "passed", finishedAt: new Date().toISOString(), note: describe(post) || null });
    this.ctx.progress(step.percent[1], `step ${n} of ${this.stages.length} verified: ${stage.title}`);
    return seen;
  }

  private async stop(stage: PlanStage, why: string): Promise<never> {
    const n = this.stages.indexOf(stage) + 1;
    this.update(stage, { status: "failed", finishedAt: new Date().toISOString(), note: why });
    for (const later of this.stages.slice(n))
      this.update(later, { status: "skipped", note: `not run: the plan stopped at step ${n}` });
    this.ctx.log(`step ${n} (${stage.title}) failed: ${why}`, "stderr");
    const after = await this.aftermath(stage.key).catch(
      (err: Error) => `the fleet's state could not be read: ${err.message}`,
    );
    throw new PlanStopped(`Stopped at step ${n} of ${this.stages.length} (${stage.title}): ${why}. ${after}`);
  }

  private update(stage: PlanStage, patch: Partial<PlanStage>) {
    Object.assign(stage, patch);
    this.publish();
  }

  private publish() {
    this.ctx.stages(this.stages.map((s) => ({ ...s })));
  }
}
