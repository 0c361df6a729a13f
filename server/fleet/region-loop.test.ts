import { describe, expect, it, vi } from "vitest";
import type { RegionConfig } from "@/lib/fleet-config";
import type { RegionSample } from "@/lib/fleet-sample";

// One region's probes, each answered when the test says: the API's is held back, the database's answers at once.
const probes = vi.hoisted(() => ({
  db: { up: false, error: "connection refused", errorCode: "ECONNREFUSED" } as unknown,
  answerApi: (_api: unknown) => undefined as void,
}));
vi.mock("./api-probe", () => ({
  probeApi: () => new Promise((resolve) => (probes.answerApi = resolve)),
}));
vi.mock("./db-probe", () => ({
  PostgresProbe: class {
    probe = async () => probes.db;
    close() {}
  },
}));
vi.mock("./traffic-probe", () => ({ probeTraffic: async () => ({ mirrors: null, cdn: null }) }));
vi.mock("./api-health-stream", () => ({
  ApiHealthStream: class {
    start() {}
    stop() {}
  },
}));

const { RegionLoop } = await import("./collector");
type Raw = import("./collector").Raw;

const region = {
  id: "us-east-1",
  role: "primary",
  apiUrl: "http://127.0.0.1:9",
  postgres: { host: "127.0.0.1", port: 9, user: "postgres", database: "postgres" },
} as unknown as RegionConfig;
const lastApi = { up: true, latencyMs: 3 } as unknown as RegionSample["api"];
const freshApi = { up: true, latencyMs: 5 } as unknown as RegionSample["api"];

function loopWith(previousDb: unknown) {
  const accepted: Raw[] = [];
  const previous = { regionId: region.id, api: lastApi, db: previousDb, mirrors: null, cdn: null } as RegionSample;
  const collector = {
    latestOf: () => previous,
    accept: (_r: RegionConfig, raw: Raw) => accepted.push(raw) && 60_000,
    lookEverywhere: () => undefined,
  };
  return { loop: new RegionLoop(region, false, collector), accepted };
}

describe("a region's loop", () => {
  it("judges a database that went down the moment its probe says so, with the API's last answer, and the whole sample after", async () => {
    const { loop, accepted } = loopWith({ up: true });
    loop.start();
    try {
      await vi.waitFor(() => expect(accepted).toHaveLength(1));
      expect(accepted[0]).toMatchObject({ db: probes.db, api: lastApi });
      probes.answerApi(freshApi);
      await vi.waitFor(() => expect(accepted).toHaveLength(2));
      expect(accepted[1]).toMatchObject({ db: probes.db, api: freshApi });
    } finally {
      loop.stop();
    }
  });

  it("waits for every probe when the database's state has not changed", async () => {
    const { loop, accepted } = loopWith({ up: false, error: "connection refused" });
    loop.start();
    try {
      // the database has answered (down, as before); nothing is judged until the API answers too
      await new Promise((resolve) => setImmediate(resolve));
      expect(accepted).toHaveLength(0);
      probes.answerApi(freshApi);
      await vi.waitFor(() => expect(accepted).toHaveLength(1));
      expect(accepted[0]).toMatchObject({ api: freshApi });
    } finally {
      loop.stop();
    }
  });
});
