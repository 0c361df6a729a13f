import { describe, expect, it, vi } from "vitest";
import { freePorts } from "@/lab/ports";

const deadPort = (await freePorts(1))[0]!;

describe("a store that cannot be reached", () => {
  it("gives a clear 'unavailable' error on every call, and tries again each time", async () => {
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${deadPort}/postgres`;
    const { getDb } = await import("@/server/db");
    for (let i = 0; i < 2; i++) {
      await expect(getDb()).rejects.toMatchObject({
        code: "unavailable",
        message: expect.stringMatching(/store cannot be reached \(.*ECONNREFUSED/),
      });
    }
  });

  it("makes /api/health say 'unavailable' to anyone, its raw error only in the log, once", async () => {
    const { GET } = await import("@/app/api/health/route");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    // Past the log's 10 s quiet time after the test above, then two asks within it.
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 11_000);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await GET();
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({ status: "degraded", store: "unavailable" });
        expect(JSON.parse(text)).not.toHaveProperty("storeError");
        expect(text).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|:${deadPort}|postgres://`));
      }
      const raw = logged.mock.calls
        .map((args) => args.join(" "))
        .filter((line) => line.includes(`127.0.0.1:${deadPort}`));
      expect(raw).toHaveLength(1);
      expect(raw[0]).toMatch(/^\[store\] cannot reach the store \(DATABASE_URL\): .*ECONNREFUSED/);
    } finally {
      now.mockRestore();
      logged.mockRestore();
    }
  });
});
