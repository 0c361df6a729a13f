import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { freshDatabase } from "./fresh-database";

/**
 * A lab directory and a store database of this test file's own, set in the environment (LAB_DIR,
 * DATABASE_URL, no FLEET_CONFIG) before any server module is imported, since they read it once.
 * Returns the lab directory.
 */
export async function ownLabAndStore(name: string): Promise<string> {
  const labDir = mkdtempSync(path.join(os.tmpdir(), `switchyard-${name}-lab-`));
  process.env.LAB_DIR = labDir;
  process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
  delete process.env.FLEET_CONFIG;
  return labDir;
}
