import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RegionConfig } from "@/lib/fleet-config";
import { hold } from "../hold";
import type { RunContext } from "../module";
import { AnalysisFailed, RolloutAnalysis } from "./cdn-analysis";

/**
 * The rollout analysis inside a hold, against a stand-in region API answering GET /v1/cdn/stats with figures the
 * test sets, and a RunContext by hand (its pause sets the control as the store would): what the lab's cdn-outage
 * does to the figures, at test speed. The lab's own run is in server/actions/cdn-mirrors.int.test.ts.
 */

const figures = { status: "ok", errorRate: 0, bunny: 90.4 };
let server: Server;
let apiUrl = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== "/v1/cdn/stats") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        status: figures.status,
        errorRate: figures.errorRate,
        providers: [
          { provider: "cloudflare", cacheHitRate: 93 },
          { provider: "bunny", cacheHitRate: figures.bunny },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => Object.assign(figures, { status: "ok", errorRate: 0, bunny: 90.4 }));

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, timeoutMs = 4_000) {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(10);
  }
}

function context(options: { pauseFails?: boolean } = {}) {
  const lines: string[] = [];
  const progress: string[] = [];
  const state = { control: null as "pause" | "abort" | null, pauses: [] as string[], pages: [] as string[] };
  const ctx = {
    region: (id: string) => ({ id, apiUrl }) as RegionConfig,
    runId: 7,
    log: (text: string, stream = "info") => lines.push(`${stream}: ${text}`),
    progress: (_: number | null, message: string) => progress.push(message),
    signal: new AbortController().signal,
    control: async () => state.control,
    pause: async (why: string) => {
      state.pauses.push(why);
      if (options.pauseFails) throw new Error("the store is away");
      state.control ??= "pause";
    },
    page: async (what: string) => {
      state.pages.push(what);
      return "paged On-call engineer (team webhook ok)";
    },
  } as unknown as RunContext;
  return { ctx, lines, progress, state };
}

const EVERY_MS = 40;
async function holding(c: ReturnType<typeof context>, onFailure: "pause" | "rollback", seconds = 0.3) {
  const analysis = await RolloutAnalysis.start(c.ctx, {
    provider: "bunny",
    regions: ["eu-west-1"],
    onFailure,
    everyMs: EVERY_MS,
    threshold: async () => 75,
  });
  const outcome = hold(c.ctx, 10, seconds, () => 0, analysis.watch(10)).then(
    () => null,
    (err: Error) => err,
  );
  return { analysis, outcome };
}

describe("the rollout analysis in a hold", () => {
  it("lets a healthy hold end, and sums it up", async () => {
    const c = context();
    const { analysis, outcome } = await holding(c, "pause");
    expect(await outcome).toBeNull();
    expect(analysis.baseline).toEqual({ "eu-west-1": 0 });
    expect(analysis.summary(10)).toMatch(
      /^analysis at 10 %: passed; \d+ samples?, lowest bunny hit rate 90.4 % \(threshold 75 %\), highest error rate 0 %$/,
    );
    expect(c.lines.join("\n")).toMatch(/bunny's cache hit rate at or above 75 % .*\(eu-west-1 0 %\)/);
    expect(c.state.pauses).toEqual([]);
  });

  it("pauses on an outage, with the figures, once paged; does not end while paused; a resume still failing pauses again; healthy, a resume ends it", async () => {
    const c = context();
    const { outcome } = await holding(c, "pause", 0.2);
    figures.status = "outage";
    figures.errorRate = 3;
    await until("the pause", () => c.state.control === "pause");
    expect(c.state.pauses).toEqual([
      "analysis failed at 10 %: hit rate of bunny in eu-west-1 0 % (CDN status outage) < threshold 75 % (2 samples in a row); error rate in eu-west-1 3 %, up from 0 % before the rollout: more than 1 point higher (2 samples in a row)",
    ]);
    await until("the paused message", () => c.progress.some((m) => m.startsWith("paused at 10 %")));
    expect(c.progress.find((m) => m.startsWith("paused at 10 %"))).toMatch(
      /^paused at 10 % \(.*\): analysis failed at 10 %: hit rate of bunny in eu-west-1 0 % \(CDN status outage\) < threshold 75 % .*; resume to go on$/,
    );
    await until("the page", () => c.state.pages.length === 1);
    expect(c.state.pages[0]).toMatch(/^paused itself: analysis failed at 10 %: hit rate of bunny in eu-west-1 0 %/);
    expect(c.lines.join("\n")).toMatch(/figures: eu-west-1: bunny hit rate 0 % \(CDN status outage\), error rate 3 %/);
    await wait(400); // past the whole hold: still paused, nothing more judged or paged
    expect(await Promise.race([outcome, wait(0).then(() => "holding")])).toBe("holding");
    expect(c.state.pages).toHaveLength(1);

    c.state.control = null;
    await until("the second pause", () => c.state.pauses.length === 2 && c.state.control === "pause");
    expect(c.lines.join("\n")).toMatch(/resumed at 10 %: the analysis starts over/);
    await until("the second page", () => c.state.pages.length === 2);

    Object.assign(figures, { status: "ok", errorRate: 0 });
    c.state.control = null;
    expect(await outcome).toBeNull();
  }, 15_000);

  it("a single bad sample only warns; the hold ends once a sample passes again", async () => {
    const c = context();
    const { outcome } = await holding(c, "pause", 0.2);
    figures.bunny = 60;
    await until("the warning", () => c.lines.some((l) => /watching$/.test(l)));
    figures.bunny = 90;
    expect(await outcome).toBeNull();
    expect(c.lines.join("\n")).toMatch(
      /hit rate of bunny in eu-west-1 60 % < threshold 75 % \(1 of 2 samples\); watching/,
    );
    expect(c.state.pauses).toEqual([]);
  });

  it("with rollback chosen, stops the hold with AnalysisFailed carrying the figures, without pausing", async () => {
    const c = context();
    const { outcome } = await holding(c, "rollback", 60);
    figures.bunny = 42;
    const err = await outcome;
    expect(err).toBeInstanceOf(AnalysisFailed);
    expect(err?.message).toBe(
      "analysis failed at 10 %: hit rate of bunny in eu-west-1 42 % < threshold 75 % (2 samples in a row)",
    );
    expect(c.state.pauses).toEqual([]);
  });

  it("when the pause cannot be stored, keeps holding past its time and asks again", async () => {
    const c = context({ pauseFails: true });
    const { outcome } = await holding(c, "pause", 0.1);
    figures.status = "outage";
    await until("a second try", () => c.state.pauses.length >= 2);
    expect(c.lines.filter((l) => /cannot pause the run \(the store is away\)/.test(l))).toHaveLength(1);
    expect(await Promise.race([outcome, wait(0).then(() => "holding")])).toBe("holding");
    c.state.control = "abort";
    expect((await outcome)?.constructor.name).toBe("Aborted");
  });

  it("a region API that does not answer counts as failing", async () => {
    const c = context();
    const dead = { ...c.ctx, region: (id: string) => ({ id, apiUrl: "http://127.0.0.1:9" }) as RegionConfig };
    const analysis = await RolloutAnalysis.start(dead, {
      provider: "bunny",
      regions: ["eu-west-1"],
      onFailure: "rollback",
      everyMs: EVERY_MS,
      threshold: async () => 75,
    });
    expect(analysis.baseline).toEqual({ "eu-west-1": null });
    const err = await hold(dead, 50, 60, () => 0, analysis.watch(50)).catch((e: Error) => e);
    expect(err?.message).toMatch(/^analysis failed at 50 %: no cache hit rate of bunny from eu-west-1 \(no answer/);
  });
});

describe("hold", () => {
  it("a pause seen as the time runs out still holds until a resume", async () => {
    const c = context();
    const outcome = hold(c.ctx, 10, 0.3, () => 0).then(() => "ended");
    await wait(250);
    c.state.control = "pause";
    await wait(600);
    expect(await Promise.race([outcome, wait(0).then(() => "holding")])).toBe("holding");
    c.state.control = null;
    expect(await outcome).toBe("ended");
  });
});
