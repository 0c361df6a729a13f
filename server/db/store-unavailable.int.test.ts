import { describe, expect, it } from "vitest";
import { freePorts } from "@/lab/ports";

describe("a store that cannot be reached", () => {
  it("gives a clear 'unavailable' error on every call, and tries again each time", async () => {
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${(await freePorts(1))[0]}/postgres`;
    const { getDb } = await import("@/server/db");
    for (let i = 0; i < 2; i++) {
      await expect(getDb()).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/store cannot be reached \(.*ECONNREFUSED/) });
    }
  });
});
