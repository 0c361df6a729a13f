import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import type { DbSample, RegionSample } from "./fleet-sample";
import {
  allReach,
  CONSOLE,
  fleetReachability,
  joinNames,
  primaryDownVerdict,
  reachabilityOf,
  refused,
  type RegionReachability,
  type Sighting,
} from "./reachability";
import type { ApiSighting } from "./region-health";

const AT = "2026-11-25T12:00:00.000Z";
const NOW = Date.parse("2026-11-25T12:00:05.000Z");
const MAX_AGE = 15_000;
const ids = ["us-east-1", "eu-west-1", "ap-southeast-1"];
const down: DbSample = { up: false, error: "timed out", errorCode: "ETIMEDOUT" };

/** What a region API saw of one region's database. */
const seen = (region: string, reachable: boolean, over: Partial<ApiSighting> = {}): ApiSighting => ({
  region,
  reachable,
  inRecovery: reachable ? region !== "us-east-1" : null,
  latencyMs: reachable ? 2 : null,
  error: reachable ? null : "timed out connecting",
  checkedAt: AT,
  ...over,
});

/** The latest sample of a region: its API reports `reaches`; `api: false` means the console cannot reach that API. */
function sample(
  id: string,
  over: { db?: DbSample | null; reaches?: ApiSighting[]; api?: false; at?: string } = {},
): RegionSample {
  const s = regionView(id, { role: id === "us-east-1" ? "primary" : "replica" }).sample!;
  if (over.db !== undefined) s.db = over.db;
  if (over.at) s.at = over.at;
  s.api =
    over.api === false
      ? { up: false, latencyMs: 1000, timedOut: true, error: "timed out after 1000 ms" }
      : { up: true, latencyMs: 3, health: { status: "ok", reaches: over.reaches } };
  return s;
}

/** Every region API reaches every database. */
const allSee = () => ids.map((id) => seen(id, true));

describe("reachabilityOf", () => {
  it("collects the console's sighting first, then each region API's in sample order, with ages", () => {
    const samples = ids.map((id) => sample(id, { reaches: allSee() }));
    const r = reachabilityOf("us-east-1", samples, NOW, MAX_AGE);
    expect(r.sightings.map((s) => s.vantage)).toEqual([CONSOLE, "us-east-1", "eu-west-1", "ap-southeast-1"]);
    expect(r.sightings[0]).toEqual({
      vantage: "console",
      reachable: true,
      acceptsWrites: true,
      latencyMs: 1,
      error: null,
      checkedAt: AT,
      ageSeconds: 5,
    } satisfies Sighting);
    expect(r.sightings.every((s) => s.acceptsWrites)).toBe(true);
    expect(r).toMatchObject({ region: "us-east-1", verdict: "reachable", reason: null });
    // A replica in recovery accepts no writes, from any vantage.
    expect(reachabilityOf("eu-west-1", samples, NOW, MAX_AGE).sightings.some((s) => s.acceptsWrites)).toBe(false);
  });

  it("calls a database cut off from the console alone a partition, not an outage", () => {
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { reaches: allSee() }),
      sample("ap-southeast-1", { reaches: allSee() }),
    ];
    const r = reachabilityOf("us-east-1", samples, NOW, MAX_AGE);
    expect(r.verdict).toBe("partitioned-from-console");
    expect(r.reason).toBe(
      "us-east-1 is unreachable from the console only; eu-west-1 and ap-southeast-1 reach it — a network partition, not an outage",
    );
    expect(r.sightings[0]).toMatchObject({
      vantage: "console",
      reachable: false,
      acceptsWrites: false,
      latencyMs: null,
      error: "timed out",
      errorCode: "ETIMEDOUT",
    });
  });

  it("calls a database that refuses the console's connections down, whatever older region reports say", () => {
    const refusedDb: DbSample = { up: false, error: "connection refused", errorCode: "ECONNREFUSED" };
    const samples = [
      sample("us-east-1", { db: refusedDb }),
      sample("eu-west-1", { reaches: allSee() }),
      sample("ap-southeast-1", { reaches: allSee() }),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).toMatchObject({
      verdict: "unreachable",
      reason: "us-east-1's database refuses connections: its host answers, the server is down",
    });
    const stopping: DbSample = { up: false, error: "the database is shutting down", errorCode: "57P03" };
    expect(
      reachabilityOf("us-east-1", [sample("us-east-1", { db: stopping }), ...samples.slice(1)], NOW, MAX_AGE).verdict,
    ).toBe("unreachable");
  });

  it("reads a server's SQLSTATE as the collector's probe reports it: a fast stop ends the held connection with 57P01, then refuses with 57P03", () => {
    for (const errorCode of ["57P01", "57P02", "57P03"]) {
      const samples = [
        sample("us-east-1", { db: { up: false, error: "the database is shutting down", errorCode } }),
        sample("eu-west-1", { reaches: allSee() }),
        sample("ap-southeast-1", { reaches: allSee() }),
      ];
      expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE).verdict, errorCode).toBe("unreachable");
    }
    expect(refused({ errorCode: "57P04" })).toBe(false);
    expect(refused({ errorCode: "ETIMEDOUT" })).toBe(false);
  });

  it("judges a refusal by the code behind the words, and every sighting keeps its code", () => {
    expect(refused({ errorCode: "ECONNREFUSED" })).toBe(true);
    expect(refused(null)).toBe(false);
    expect(refused({})).toBe(false);
    const wordsOnly: DbSample = { up: false, error: "connection refused" };
    const samples = [
      sample("us-east-1", { db: wordsOnly }),
      sample("eu-west-1", { reaches: allSee() }),
      sample("ap-southeast-1", { reaches: allSee() }),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE).verdict).toBe("partitioned-from-console");
    const cut = [
      seen("us-east-1", false, { error: "no route to host", errorCode: "EHOSTUNREACH" }),
      seen("eu-west-1", true),
      seen("ap-southeast-1", true),
    ];
    const r = reachabilityOf(
      "us-east-1",
      [
        sample("us-east-1", { db: down }),
        sample("eu-west-1", { reaches: cut }),
        sample("ap-southeast-1", { reaches: allSee() }),
      ],
      NOW,
      MAX_AGE,
    );
    expect(r.sightings.find((s) => s.vantage === "eu-west-1")).toMatchObject({
      reachable: false,
      error: "no route to host",
      errorCode: "EHOSTUNREACH",
    });
  });

  it("names the regions that cannot reach it either, with the verb agreeing", () => {
    const cut = [seen("us-east-1", false), seen("eu-west-1", true), seen("ap-southeast-1", true)];
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { reaches: cut }),
      sample("ap-southeast-1", { reaches: allSee() }),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).toMatchObject({
      verdict: "partitioned-from-console",
      reason:
        "us-east-1 is unreachable from the console and eu-west-1; ap-southeast-1 reaches it — a network partition, not an outage",
    });
  });

  it("calls a database the console reaches but some regions do not partitioned from the regions", () => {
    const cut = [seen("us-east-1", false), seen("eu-west-1", true), seen("ap-southeast-1", true)];
    const samples = [
      sample("us-east-1", { reaches: allSee() }),
      sample("eu-west-1", { reaches: cut }),
      sample("ap-southeast-1", { reaches: cut }),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).toMatchObject({
      verdict: "partitioned-from-regions",
      reason:
        "us-east-1 is reachable from the console but not from eu-west-1 and ap-southeast-1 — their replication and writes to it are cut",
    });
    const one = [
      sample("us-east-1", { reaches: allSee() }),
      sample("eu-west-1", { reaches: cut }),
      sample("ap-southeast-1", { reaches: allSee() }),
    ];
    expect(reachabilityOf("us-east-1", one, NOW, MAX_AGE).reason).toBe(
      "us-east-1 is reachable from the console but not from eu-west-1 — its replication and writes to it are cut",
    );
  });

  it("calls a database nobody that answers reaches unreachable, listing who answered", () => {
    const cut = [seen("us-east-1", false), seen("eu-west-1", true), seen("ap-southeast-1", true)];
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { reaches: cut }),
      sample("ap-southeast-1", { reaches: cut }),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).toMatchObject({
      verdict: "unreachable",
      reason:
        "us-east-1 is unreachable from every vantage that answers (the console, eu-west-1, ap-southeast-1): down or isolated",
    });
  });

  it("says so when only the console answered", () => {
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { api: false }),
      sample("ap-southeast-1", {}),
    ];
    expect(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).toMatchObject({
      verdict: "unreachable",
      reason:
        "us-east-1 is unreachable from the console and no region API answered to say otherwise: down, or the console is cut off",
    });
  });

  it("is unknown with a simulated database tier and no region reports, and lets region APIs speak when they report", () => {
    const silent = ids.map((id) => sample(id, { db: null }));
    expect(reachabilityOf("us-east-1", silent, NOW, MAX_AGE)).toMatchObject({ verdict: "unknown", sightings: [] });
    const reporting = ids.map((id) => sample(id, { db: null, reaches: allSee() }));
    expect(reachabilityOf("us-east-1", reporting, NOW, MAX_AGE)).toMatchObject({ verdict: "reachable", reason: null });
    const split = [
      sample("us-east-1", { db: null, reaches: allSee() }),
      sample("eu-west-1", { db: null, reaches: [seen("us-east-1", false)] }),
    ];
    expect(reachabilityOf("us-east-1", split, NOW, MAX_AGE)).toMatchObject({
      verdict: "partitioned-from-regions",
      reason: "us-east-1 is reachable from us-east-1 but not from eu-west-1 — its replication and writes to it are cut",
    });
    const none = [sample("eu-west-1", { db: null, reaches: [seen("us-east-1", false)] })];
    expect(reachabilityOf("us-east-1", none, NOW, MAX_AGE).verdict).toBe("unreachable");
  });

  it("leaves out sightings older than the cut-off: that vantage does not answer", () => {
    const old = "2026-11-25T11:59:40.000Z"; // 25 s before NOW
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { reaches: [seen("us-east-1", true, { checkedAt: old })] }),
      sample("ap-southeast-1", { reaches: [seen("us-east-1", true, { checkedAt: "2026-11-25T11:59:50.000Z" })] }), // exactly 15 s: kept
    ];
    const r = reachabilityOf("us-east-1", samples, NOW, MAX_AGE);
    expect(r.sightings.map((s) => [s.vantage, s.ageSeconds])).toEqual([
      ["console", 5],
      ["ap-southeast-1", 15],
    ]);
    expect(r.reason).toBe(
      "us-east-1 is unreachable from the console only; ap-southeast-1 reaches it — a network partition, not an outage",
    );
    // The console's own sample too; and a time nobody can read is never fresh.
    const stale = [
      sample("us-east-1", { at: old }),
      sample("eu-west-1", { reaches: [seen("us-east-1", true, { checkedAt: "not a time" })] }),
    ];
    expect(reachabilityOf("us-east-1", stale, NOW, MAX_AGE)).toMatchObject({ verdict: "unknown", sightings: [] });
  });

  it("judges every region of the fleet in the order asked", () => {
    const samples = ids.map((id) => sample(id, { reaches: allSee() }));
    expect(
      fleetReachability(["ap-southeast-1", "us-east-1"], samples, NOW, MAX_AGE).map((r) => [r.region, r.verdict]),
    ).toEqual([
      ["ap-southeast-1", "reachable"],
      ["us-east-1", "reachable"],
    ]);
  });
});

describe("joinNames", () => {
  it("joins one, two and three names", () => {
    expect([joinNames([]), joinNames(["a"]), joinNames(["a", "b"]), joinNames(["a", "b", "c"])]).toEqual([
      "",
      "a",
      "a and b",
      "a, b and c",
    ]);
  });
});

describe("primaryDownVerdict", () => {
  const at = (vantage: string, reachable: boolean, acceptsWrites = false): Sighting => ({
    vantage,
    reachable,
    acceptsWrites,
    latencyMs: null,
    error: null,
    checkedAt: AT,
    ageSeconds: 1,
  });
  const verdictOf = (...sightings: Sighting[]): RegionReachability => ({
    region: "us-east-1",
    verdict: "unreachable",
    sightings,
    reason: null,
  });

  it("is down when every vantage that answers cannot reach it", () => {
    expect(
      primaryDownVerdict(verdictOf(at("console", false), at("eu-west-1", false), at("ap-southeast-1", false))),
    ).toEqual({
      down: true,
      answering: ["console", "eu-west-1", "ap-southeast-1"],
      cannotReach: ["console", "eu-west-1", "ap-southeast-1"],
      canReach: [],
      acceptingWrites: [],
      reason: "3 of 3 vantages that answer cannot reach us-east-1 (the console, eu-west-1, ap-southeast-1)",
    });
  });

  it("is down on a strict majority: 2 of 3 yes, 2 of 4 no", () => {
    expect(
      primaryDownVerdict(verdictOf(at("console", false), at("eu-west-1", false), at("ap-southeast-1", true))).down,
    ).toBe(true);
    const half = primaryDownVerdict(
      verdictOf(at("console", false), at("eu-west-1", false), at("ap-southeast-1", true), at("us-east-1", true)),
    );
    expect(half).toMatchObject({
      down: false,
      canReach: ["ap-southeast-1", "us-east-1"],
      reason: "only 2 of 4 vantages that answer cannot reach us-east-1 (the console, eu-west-1): a majority must",
    });
  });

  it("is not down when only the console cannot reach it", () => {
    expect(
      primaryDownVerdict(verdictOf(at("console", false), at("eu-west-1", true), at("ap-southeast-1", true))).reason,
    ).toBe("only 1 of 3 vantages that answer cannot reach us-east-1 (the console): a majority must");
  });

  it("refuses while any vantage sees it accept writes, whatever the majority", () => {
    const v = primaryDownVerdict(
      verdictOf(at("console", false), at("eu-west-1", false), at("ap-southeast-1", false), at("us-east-1", true, true)),
    );
    expect(v).toMatchObject({
      down: false,
      acceptingWrites: ["us-east-1"],
      reason: "us-east-1 still sees us-east-1 accept writes: promoting now would make two primaries",
    });
    const two = primaryDownVerdict(
      verdictOf(at("console", false), at("eu-west-1", true, true), at("ap-southeast-1", true, true)),
    );
    expect(two.reason).toBe(
      "eu-west-1 and ap-southeast-1 still see us-east-1 accept writes: promoting now would make two primaries",
    );
  });

  it("is not down when nobody answers or everybody reaches it", () => {
    expect(primaryDownVerdict(verdictOf())).toMatchObject({
      down: false,
      answering: [],
      reason: "no vantage answers for us-east-1: nothing says it is down",
    });
    expect(primaryDownVerdict(verdictOf(at("console", true))).reason).toBe(
      "every vantage that answers reaches us-east-1 (the console)",
    );
    expect(primaryDownVerdict(verdictOf(at("console", false))).reason).toBe(
      "1 of 1 vantage that answers cannot reach us-east-1 (the console)",
    );
  });

  it("reads a verdict built from samples", () => {
    const cut = [seen("us-east-1", false)];
    const samples = [
      sample("us-east-1", { db: down, api: false }),
      sample("eu-west-1", { reaches: cut }),
      sample("ap-southeast-1", { reaches: cut }),
    ];
    expect(primaryDownVerdict(reachabilityOf("us-east-1", samples, NOW, MAX_AGE)).down).toBe(true);
  });
});

describe("allReach", () => {
  /** The regions as the overview reads them: each with its verdict, "healthy" unless said. */
  const regions = (samples: RegionSample[], status: (id: string) => string = () => "healthy") =>
    fleetReachability(ids, samples, NOW, MAX_AGE).map((reachability) => ({
      id: reachability.region,
      status: status(reachability.region),
      sample: { reachability },
    }));
  const verdicts = (rs: ReturnType<typeof regions>) => rs.map((r) => r.sample.reachability.verdict);

  it("sums up a fleet where every vantage reaches every database and one takes writes", () => {
    const samples = ids.map((id) => sample(id, { reaches: allSee() }));
    samples[1]!.api = {
      up: true,
      latencyMs: 3,
      health: { status: "ok", reaches: [...allSee().slice(0, 2), seen("ap-southeast-1", true, { latencyMs: 41.6 })] },
    };
    expect(allReach(regions(samples))).toEqual({ links: 12, slowestMs: 41.6, writer: "us-east-1" });
  });

  it("has nothing to sum up when one vantage cannot reach one database, or says nothing of it", () => {
    const cut = ids.map((id) => sample(id, { reaches: allSee() }));
    cut[1] = sample("eu-west-1", { reaches: [...allSee().slice(0, 2), seen("ap-southeast-1", false)] });
    expect(allReach(regions(cut))).toBeNull();
    const silent = ids.map((id) => sample(id, { reaches: allSee() }));
    silent[2] = sample("ap-southeast-1", { reaches: allSee().slice(1) });
    expect(verdicts(regions(silent))).toEqual(["reachable", "reachable", "reachable"]);
    expect(allReach(regions(silent))).toBeNull();
  });

  it("has nothing to sum up with two primaries, with vantages that disagree on one, or with a stale region", () => {
    const writes = (id: string) => seen(id, true, { inRecovery: false });
    const two = ids.map((id) =>
      sample(id, { reaches: [writes("us-east-1"), writes("eu-west-1"), seen("ap-southeast-1", true)] }),
    );
    two[1]!.db = { ...two[0]!.db! };
    expect(verdicts(regions(two))).toEqual(["reachable", "reachable", "reachable"]);
    expect(allReach(regions(two))).toBeNull();
    const disagree = ids.map((id) => sample(id, { reaches: allSee() }));
    // us-east-1 is still seen taking writes by all; one vantage also sees eu-west-1 take them.
    disagree[2] = sample("ap-southeast-1", {
      reaches: [seen("us-east-1", true), seen("eu-west-1", true, { inRecovery: false }), seen("ap-southeast-1", true)],
    });
    expect(verdicts(regions(disagree))).toEqual(["reachable", "reachable", "reachable"]);
    expect(allReach(regions(disagree))).toBeNull();
    const all = ids.map((id) => sample(id, { reaches: allSee() }));
    expect(allReach(regions(all, (id) => (id === "eu-west-1" ? "stale" : "healthy")))).toBeNull();
  });
});
