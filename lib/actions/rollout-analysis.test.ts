import { describe, expect, it } from "vitest";
import { judgeRollout, type AnalysisInput, type RegionFigures } from "./rollout-analysis";

const healthy = (region: string, over: Partial<RegionFigures> = {}): RegionFigures => ({
  region,
  hitRate: 90.2,
  errorRate: 0,
  ...over,
});
const outage = (region: string): RegionFigures =>
  healthy(region, { hitRate: 0, hitNote: "CDN status outage", errorRate: 2.5 });

const input = (samples: RegionFigures[][], over: Partial<AnalysisInput> = {}): AnalysisInput => ({
  provider: "bunny",
  threshold: 70,
  baseline: { "eu-west-1": 0, "ap-southeast-1": 0.2 },
  samples,
  ...over,
});

describe("judgeRollout", () => {
  it("is pending before the first sample", () => {
    expect(judgeRollout(input([])).verdict).toBe("pending");
  });

  it("passes while the hit rate is at or above the threshold and the error rate stays near its baseline", () => {
    const v = judgeRollout(
      input([
        [healthy("eu-west-1"), healthy("ap-southeast-1", { hitRate: 70, errorRate: 1.2 })],
        [healthy("eu-west-1", { errorRate: 1 }), healthy("ap-southeast-1", { errorRate: 1.1 })],
      ]),
    );
    expect(v).toMatchObject({ verdict: "pass", reasons: [] });
    expect(v.figures).toBe(
      "eu-west-1: bunny hit rate 90.2 %, error rate 1 % (before: 0 %); ap-southeast-1: bunny hit rate 90.2 %, error rate 1.1 % (before: 0.2 %)",
    );
  });

  it("watches a first failing sample, and fails on the second in a row with the figures", () => {
    const first = judgeRollout(input([[healthy("eu-west-1")], [healthy("eu-west-1", { hitRate: 42 })]]));
    expect(first).toMatchObject({
      verdict: "failing",
      reasons: ["hit rate of bunny in eu-west-1 42 % < threshold 70 % (1 of 2 samples)"],
    });
    const second = judgeRollout(
      input([[healthy("eu-west-1", { hitRate: 42 })], [healthy("eu-west-1", { hitRate: 41.96 })]]),
    );
    expect(second).toMatchObject({
      verdict: "fail",
      reasons: ["hit rate of bunny in eu-west-1 42 % < threshold 70 % (2 samples in a row)"],
    });
  });

  it("uses the threshold it is given, not a number of its own", () => {
    const samples = [[healthy("eu-west-1", { hitRate: 80 })], [healthy("eu-west-1", { hitRate: 80 })]];
    expect(judgeRollout(input(samples)).verdict).toBe("pass");
    expect(judgeRollout(input(samples, { threshold: 85 })).reasons).toEqual([
      "hit rate of bunny in eu-west-1 80 % < threshold 85 % (2 samples in a row)",
    ]);
  });

  it("needs the failures in a row: a good sample in between starts the count again", () => {
    const bad = healthy("eu-west-1", { hitRate: 10 });
    expect(judgeRollout(input([[bad], [healthy("eu-west-1")], [bad]])).verdict).toBe("failing");
    expect(judgeRollout(input([[bad], [healthy("eu-west-1")], [bad], [bad]])).verdict).toBe("fail");
    expect(judgeRollout(input([[bad], [bad], [bad]], { failAfter: 3 })).reasons[0]).toMatch(/3 samples in a row/);
  });

  it("fails an outage on both counts: hit rate 0 and errors more than a point above the baseline", () => {
    const v = judgeRollout(
      input([
        [outage("eu-west-1"), healthy("ap-southeast-1")],
        [outage("eu-west-1"), healthy("ap-southeast-1")],
      ]),
    );
    expect(v.verdict).toBe("fail");
    expect(v.reasons).toEqual([
      "hit rate of bunny in eu-west-1 0 % (CDN status outage) < threshold 70 % (2 samples in a row)",
      "error rate in eu-west-1 2.5 %, up from 0 % before the rollout: more than 1 point higher (2 samples in a row)",
    ]);
    expect(v.figures).toMatch(
      /^eu-west-1: bunny hit rate 0 % \(CDN status outage\), error rate 2.5 % \(before: 0 %\);/,
    );
  });

  it("judges the error rate against each region's own baseline, by points", () => {
    const at = (errorRate: number) => [healthy("ap-southeast-1", { errorRate })];
    expect(judgeRollout(input([at(1.2), at(1.2)])).verdict).toBe("pass"); // 0.2 + 1 is the bound, inclusive
    expect(judgeRollout(input([at(1.3), at(1.3)])).verdict).toBe("fail");
    expect(judgeRollout(input([at(1.3), at(1.3)], { errorRisePoints: 2 })).verdict).toBe("pass");
    // unknown baseline: against 0, and said so
    expect(judgeRollout(input([at(1.5), at(1.5)], { baseline: {} })).reasons).toEqual([
      "error rate in ap-southeast-1 1.5 %, up from 0 % before the rollout (unknown, taken as 0): more than 1 point higher (2 samples in a row)",
    ]);
  });

  it("counts a region without figures as failing its hit rate, and a missing error rate alone as not judged", () => {
    const silent: RegionFigures = {
      region: "eu-west-1",
      hitRate: null,
      errorRate: null,
      missing: "no answer: timeout",
    };
    const v = judgeRollout(input([[silent], [silent]]));
    expect(v).toMatchObject({
      verdict: "fail",
      reasons: ["no cache hit rate of bunny from eu-west-1 (no answer: timeout) (2 samples in a row)"],
      figures: "eu-west-1: no figures (no answer: timeout)",
    });
    const noErrors = healthy("eu-west-1", { errorRate: null });
    expect(judgeRollout(input([[noErrors], [noErrors]])).verdict).toBe("pass");
  });
});
