import "server-only";
import { z } from "zod";
import { ruleThreshold } from "@/lib/alert-rules";
import {
  ANALYSIS_EVERY_MS,
  FAIL_AFTER_SAMPLES,
  ERROR_RISE_POINTS,
  judgeRollout,
  pct,
  type AnalysisVerdict,
  type RegionFigures,
  type RolloutFailurePolicy,
} from "@/lib/actions/rollout-analysis";
import type { RegionConfig } from "@/lib/fleet-config";
import { readRuleSettings } from "@/server/alerts/alert-store";
import { callRegionApi } from "../executors/http";
import type { HoldWatch } from "../hold";
import type { RunContext } from "../module";

/**
 * The analysis that runs during each hold of cdn.rollout (lib/actions/rollout-analysis judges): it samples the region
 * APIs' figures every ANALYSIS_EVERY_MS, and when the judgement fails it either pauses the run (the default: it pages,
 * and an operator resumes, after which the analysis starts over, or aborts) or throws AnalysisFailed for the rollout
 * to go back.
 *
 * The figures are what GET /v1/cdn/stats reports: the new provider's cache hit rate from its `providers` list (over
 * the API's last minute), 0 while the region's CDN does not serve (status outage or disabled: that list keeps the
 * minute before); and `errorRate`, the share of the region's requests that failed over its last minute.
 */

/** The analysis failed and the rollout was asked to roll back: the message says why, with the figures. */
export class AnalysisFailed extends Error {}

const statsSchema = z.looseObject({
  status: z.string(),
  errorRate: z.number().optional(),
  providers: z.array(z.looseObject({ provider: z.string(), cacheHitRate: z.number() })).optional(),
});

const SAMPLE_TIMEOUT_MS = 3_000;
const SETTINGS_TIMEOUT_MS = 5_000;

/** One region's figures now; a region that does not answer has none (which the judgement counts as failing). */
export async function regionFigures(region: RegionConfig, provider: string): Promise<RegionFigures> {
  const none = (missing: string): RegionFigures => ({ region: region.id, hitRate: null, errorRate: null, missing });
  let answer: { status: number; body: unknown };
  try {
    answer = await callRegionApi(region, "GET /v1/cdn/stats", {}, SAMPLE_TIMEOUT_MS);
  } catch (err) {
    return none(`no answer from GET /v1/cdn/stats: ${(err as Error).message}`);
  }
  const parsed = statsSchema.safeParse(answer.body);
  if (answer.status !== 200 || !parsed.success)
    return none(`GET /v1/cdn/stats answered HTTP ${answer.status}${parsed.success ? "" : " without its figures"}`);
  const s = parsed.data;
  const errorRate = s.errorRate ?? null;
  if (s.status !== "ok") return { region: region.id, hitRate: 0, hitNote: `CDN status ${s.status}`, errorRate };
  const own = s.providers?.find((p) => p.provider === provider);
  return own
    ? { region: region.id, hitRate: own.cacheHitRate, errorRate }
    : { region: region.id, hitRate: null, errorRate, missing: `no figures for ${provider}` };
}

/** The CDN cache hit rate rule's threshold as configured; its default when the store cannot say (and the log says so). */
async function configuredThreshold(ctx: RunContext): Promise<number> {
  try {
    const settings = await Promise.race([
      readRuleSettings(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${SETTINGS_TIMEOUT_MS / 1000} s`)), SETTINGS_TIMEOUT_MS),
      ),
    ]);
    return ruleThreshold(settings, "cdn-cache-hit-rate");
  } catch (err) {
    const threshold = ruleThreshold({}, "cdn-cache-hit-rate");
    ctx.log(
      `cannot read the alert rules' settings (${(err as Error).message}): the analysis uses the CDN cache hit rate rule's default threshold, ${pct(threshold)}`,
      "stderr",
    );
    return threshold;
  }
}

export interface AnalysisOptions {
  provider: string;
  /** the regions the rollout moves */
  regions: string[];
  onFailure: RolloutFailurePolicy;
  everyMs?: number;
  /** the hit rate threshold; by default the alert rule's, as configured */
  threshold?: (ctx: RunContext) => Promise<number>;
}

export class RolloutAnalysis {
  private samples: RegionFigures[][] = [];
  private last: AnalysisVerdict | null = null;
  /** set while the analysis has paused the run: why, whether the store took the pause, whether it failed to */
  private selfPause: { why: string; stored: boolean; failed?: boolean } | null = null;
  private wasPaused = false;
  private low = { hitRate: Infinity, errorRate: -Infinity, count: 0 };

  private constructor(
    private readonly ctx: RunContext,
    private readonly options: AnalysisOptions,
    readonly threshold: number,
    readonly baseline: Record<string, number | null>,
  ) {}

  /** Reads the threshold and each region's error rate before the rollout (its baseline), and says so. */
  static async start(ctx: RunContext, options: AnalysisOptions): Promise<RolloutAnalysis> {
    const threshold = await (options.threshold ?? configuredThreshold)(ctx);
    const before = await Promise.all(options.regions.map((id) => regionFigures(ctx.region(id), options.provider)));
    const baseline = Object.fromEntries(before.map((f) => [f.region, f.errorRate]));
    ctx.log(
      `analysis during each hold, every ${(options.everyMs ?? ANALYSIS_EVERY_MS) / 1000} s: ${options.provider}'s cache hit rate at or above ${pct(threshold)} (the CDN cache hit rate alert threshold) in ${options.regions.join(", ")}, and each one's error rate at most ${ERROR_RISE_POINTS} point above its level now (${options.regions.map((id) => `${id} ${baseline[id] == null ? "unknown" : pct(baseline[id])}`).join(", ")}); ${FAIL_AFTER_SAMPLES} failing samples in a row ${options.onFailure === "pause" ? "pause the rollout" : "roll it back"} and page the team`,
    );
    return new RolloutAnalysis(ctx, options, threshold, baseline);
  }

  /** The watch for the hold at `step` %: the hold ends only once the latest sample, taken since any pause, passed. */
  watch(step: number): HoldWatch {
    this.samples = [];
    this.last = null;
    this.selfPause = null;
    this.wasPaused = false;
    this.low = { hitRate: Infinity, errorRate: -Infinity, count: 0 };
    return {
      everyMs: this.options.everyMs ?? ANALYSIS_EVERY_MS,
      check: (paused) => this.check(step, paused),
      settled: () => !this.selfPause && this.last?.verdict === "pass",
      pausedBecause: () => this.selfPause?.why ?? null,
    };
  }

  /** One line for the output after a hold: how many samples passed, and the worst figures among them. */
  summary(step: number): string {
    const { count, hitRate, errorRate } = this.low;
    if (!count) return `analysis at ${step} %: no sample`;
    return `analysis at ${step} %: passed; ${count} sample${count === 1 ? "" : "s"}, lowest ${this.options.provider} hit rate ${pct(hitRate)} (threshold ${pct(this.threshold)}), highest error rate ${errorRate === -Infinity ? "unknown" : pct(errorRate)}`;
  }

  private async check(step: number, paused: boolean): Promise<void> {
    if (paused) {
      this.wasPaused = true; // nothing is judged while the run is paused; the figures after a resume are judged afresh
      return;
    }
    if (this.selfPause && !this.selfPause.stored) return this.requestPause(this.selfPause.why); // not taken: again
    if (this.selfPause || this.wasPaused) {
      if (this.selfPause) this.ctx.log(`resumed at ${step} %: the analysis starts over`);
      this.selfPause = null;
      this.wasPaused = false;
      this.samples = [];
      this.last = null;
    }
    const sample = await Promise.all(
      this.options.regions.map((id) => regionFigures(this.ctx.region(id), this.options.provider)),
    );
    this.samples = [...this.samples, sample].slice(-FAIL_AFTER_SAMPLES);
    const v = judgeRollout({
      provider: this.options.provider,
      threshold: this.threshold,
      baseline: this.baseline,
      samples: this.samples,
    });
    if (v.verdict === "failing" && this.last?.verdict !== "failing")
      this.ctx.log(`at ${step} %: ${v.reasons.join("; ")}; watching`, "stderr");
    if (v.verdict === "pass" && this.last?.verdict === "failing")
      this.ctx.log(`at ${step} %: back within bounds: ${v.figures}`);
    this.last = v;
    if (v.verdict === "pass") this.track(sample);
    if (v.verdict === "fail") await this.fail(step, v);
  }

  private track(sample: RegionFigures[]) {
    this.low.count++;
    for (const f of sample) {
      if (f.hitRate !== null) this.low.hitRate = Math.min(this.low.hitRate, f.hitRate);
      if (f.errorRate !== null) this.low.errorRate = Math.max(this.low.errorRate, f.errorRate);
    }
  }

  private async fail(step: number, v: AnalysisVerdict): Promise<void> {
    const why = `analysis failed at ${step} %: ${v.reasons.join("; ")}`;
    this.ctx.log(why, "stderr");
    this.ctx.log(`figures: ${v.figures}`, "stderr");
    if (this.options.onFailure === "rollback") throw new AnalysisFailed(why);
    this.selfPause = { why, stored: false };
    await this.requestPause(why);
    // The page goes out beside the hold, which keeps answering the operator's abort meanwhile.
    void this.ctx.page(`paused itself: ${why}`).then((said) => this.ctx.log(said));
  }

  /**
   * Pauses the run through the store. Until the store takes it, the hold does not end (settled is false) and each
   * check asks again; once it has, the next unpaused check is an operator's resume. Each outcome is logged once.
   */
  private async requestPause(why: string): Promise<void> {
    const pause = this.selfPause!;
    try {
      await this.ctx.pause(why);
      pause.stored = true;
      this.ctx.log(
        "paused by the analysis: resume to go on (the analysis starts over), or abort to go back to the previous provider",
        "stderr",
      );
    } catch (err) {
      if (!pause.failed)
        this.ctx.log(`cannot pause the run (${(err as Error).message}): holding all the same, asking again`, "stderr");
      pause.failed = true;
    }
  }
}
