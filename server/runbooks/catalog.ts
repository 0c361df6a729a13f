import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { parseRunbook, type Runbook } from "@/lib/runbook-schema";

export const RUNBOOKS_DIR = path.join(process.cwd(), "runbooks");

/** Reads and validates every runbook file under dir (recursively); the first malformed one throws, naming file, step and problem. */
export function loadRunbooks(dir = RUNBOOKS_DIR): Runbook[] {
  const files = readdirSync(/*turbopackIgnore: true*/ dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const runbooks = files.map((f) => {
    const file = path.join("runbooks", f);
    let raw: unknown;
    try {
      raw = parse(readFileSync(path.join(/*turbopackIgnore: true*/ dir, f), "utf8"));
    } catch (err) {
      throw new Error(`Malformed runbook ${file}: not valid YAML: ${(err as Error).message}`);
    }
    return parseRunbook(file, raw);
  });
  const ids = new Set<string>();
  for (const rb of runbooks) {
    if (ids.has(rb.id)) throw new Error(`Malformed runbook: two files have the id ${rb.id}`);
    ids.add(rb.id);
  }
  return runbooks;
}

const cache = globalThis as unknown as { __switchyardRunbooks?: Runbook[] };

/** The runbook catalog, read once per process. */
export function runbookCatalog(): Runbook[] {
  return (cache.__switchyardRunbooks ??= loadRunbooks());
}

export function findRunbook(id: string): Runbook | undefined {
  return runbookCatalog().find((r) => r.id === id);
}
