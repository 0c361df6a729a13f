/**
 * The analysis of a CDN rollout's holds (cdn.rollout), as progressive-delivery tools run one between steps (Argo
 * Rollouts' AnalysisRun, Flagger's canary analysis): samples of the new provider's cache hit rate in each region the
 * rollout moves, and of each of those region APIs' error rate, judged against the CDN cache hit rate alert threshold
 * and against the error rate before the rollout. Pure: server/actions/catalog/cdn-analysis.ts takes the samples.
 */

/** How often a hold samples the figures. */
export const ANALYSIS_EVERY_MS = 2_000;
/** A criterion fails the analysis once it fails this many samples in a row: one odd reading does not stop a rollout. */
export const FAIL_AFTER_SAMPLES = 2;
/**
 * The error rate "rises" when it is more than this many percentage points above its level before the rollout. Points,
 * not a ratio: from a baseline near 0 any blip would be a large ratio.
 */
export const ERROR_RISE_POINTS = 1;

/** What a rollout does when its analysis fails. */
export const rolloutFailurePolicies = ["pause", "rollback"] as const;
export type RolloutFailurePolicy = (typeof rolloutFailurePolicies)[number];

export const rolloutFailureLabels: Record<RolloutFailurePolicy, string> = {
  pause: "Pause and page (an operator resumes or aborts)",
  rollback: "Roll back to the previous provider and page",
};

/** One region's figures in one sample. */
export interface RegionFigures {
  region: string;
  /** the new provider's cache hit rate there, %; null when its API gave none */
  hitRate: number | null;
  /** why the hit rate reads as it does, when the CDN serves nothing there ("CDN status outage": 0 %) */
  hitNote?: string;
  /** the share of the region's requests that failed, % (its API's figure); null when it gave none: not judged */
  errorRate: number | null;
  /** why there are no figures (no answer, an answer without them) */
  missing?: string;
}

export interface AnalysisInput {
  provider: string;
  /** the cache hit rate alert threshold, % */
  threshold: number;
  /** each region's error rate before the rollout, %; null or absent: unknown, judged against 0 */
  baseline: Record<string, number | null>;
  /** oldest first; each sample has every region the rollout moves */
  samples: RegionFigures[][];
  failAfter?: number;
  errorRisePoints?: number;
}

export interface AnalysisVerdict {
  /** pending: no sample yet; failing: a criterion fails, not yet `failAfter` samples in a row; fail: the rollout stops */
  verdict: "pending" | "pass" | "failing" | "fail";
  /** one line per failing criterion of the latest sample, with its figures and how many samples in a row it failed */
  reasons: string[];
  /** the latest sample in words */
  figures: string;
}

/** 87.456 → "87.5 %", 0 → "0 %". */
export const pct = (n: number) => `${Math.round(n * 10) / 10} %`;
const points = (n: number) => `${n} point${n === 1 ? "" : "s"}`;

interface Criterion {
  bad(f: RegionFigures): boolean;
  reason(f: RegionFigures): string;
}

function criteria(input: AnalysisInput): Criterion[] {
  const rise = input.errorRisePoints ?? ERROR_RISE_POINTS;
  const base = (region: string) => input.baseline[region] ?? 0;
  return [
    {
      bad: (f) => f.hitRate === null || f.hitRate < input.threshold,
      reason: (f) =>
        f.hitRate === null
          ? `no cache hit rate of ${input.provider} from ${f.region}${f.missing ? ` (${f.missing})` : ""}`
          : `hit rate of ${input.provider} in ${f.region} ${pct(f.hitRate)}${f.hitNote ? ` (${f.hitNote})` : ""} < threshold ${pct(input.threshold)}`,
    },
    {
      bad: (f) => f.errorRate !== null && f.errorRate > base(f.region) + rise,
      reason: (f) =>
        `error rate in ${f.region} ${pct(f.errorRate!)}, up from ${pct(base(f.region))} before the rollout${input.baseline[f.region] == null ? " (unknown, taken as 0)" : ""}: more than ${points(rise)} higher`,
    },
  ];
}

/** How many of the latest samples in a row a criterion failed for a region. */
function failingRun(samples: RegionFigures[][], region: string, c: Criterion): number {
  let n = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const f = samples[i]!.find((x) => x.region === region);
    if (!f || !c.bad(f)) break;
    n++;
  }
  return n;
}

/** The latest sample's figures, region by region. */
export function describeFigures(input: Pick<AnalysisInput, "provider" | "baseline">, sample: RegionFigures[]): string {
  return sample
    .map((f) => {
      if (f.hitRate === null && f.errorRate === null)
        return `${f.region}: no figures${f.missing ? ` (${f.missing})` : ""}`;
      const hit =
        f.hitRate === null ? "no hit rate" : `hit rate ${pct(f.hitRate)}${f.hitNote ? ` (${f.hitNote})` : ""}`;
      const base = input.baseline[f.region];
      const errors = f.errorRate === null ? "no error rate" : `error rate ${pct(f.errorRate)}`;
      return `${f.region}: ${input.provider} ${hit}, ${errors} (before: ${base == null ? "unknown" : pct(base)})`;
    })
    .join("; ");
}

/**
 * Judges the samples so far. A criterion (the hit rate at or above the threshold; the error rate not more than
 * `errorRisePoints` above its baseline) that fails `failAfter` samples in a row, in any region, fails the analysis.
 * No figures at all from a region count as a hit rate below the threshold; a missing error rate alone is not judged.
 */
export function judgeRollout(input: AnalysisInput): AnalysisVerdict {
  const latest = input.samples.at(-1);
  if (!latest) return { verdict: "pending", reasons: [], figures: "no sample yet" };
  const failAfter = input.failAfter ?? FAIL_AFTER_SAMPLES;
  const reasons: string[] = [];
  let failed = false;
  for (const f of latest)
    for (const c of criteria(input)) {
      if (!c.bad(f)) continue;
      const n = failingRun(input.samples, f.region, c);
      failed ||= n >= failAfter;
      reasons.push(`${c.reason(f)} (${n >= failAfter ? `${n} samples in a row` : `${n} of ${failAfter} samples`})`);
    }
  return {
    verdict: failed ? "fail" : reasons.length ? "failing" : "pass",
    reasons,
    figures: describeFigures(input, latest),
  };
}
