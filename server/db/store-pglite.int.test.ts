import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { storeContract } from "@/tests/support/store-contract";

delete process.env.DATABASE_URL;
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "switchyard-pglite-"));
storeContract("embedded PGlite");
