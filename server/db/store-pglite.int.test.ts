import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { storeContract } from "@/tests/support/store-contract";

delete process.env.DATABASE_URL;
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "switchyard-pglite-"));
storeContract("embedded PGlite");

describe("the embedded store's own settings", () => {
  it("opens with 16 MB of shared buffers, not PostgreSQL's 128 MB: the console's memory holds them for its whole life", async () => {
    const { createPgliteDb } = await import("@/server/db/pglite-driver");
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-pglite-settings-"));
    const db = await createPgliteDb(dir);
    try {
      const r = await db.query<{ shared_buffers: string }>("show shared_buffers");
      expect(r.rows[0]?.shared_buffers).toBe("16MB");
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
