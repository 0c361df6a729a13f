import "server-only";
import path from "node:path";
import { z } from "zod";
import { walkAuditChain } from "@/server/audit/verify-audit";
import { parseInput } from "@/server/errors";
import { backupStore } from "./backup";
import { getDb } from "./index";
import { serveStoreControl } from "./store-control";

const backupRequest = z.object({
  dir: z
    .string()
    .refine((d) => path.isAbsolute(d), "must be an absolute path")
    .optional(),
});

/** What `npm run store:backup` and `npm run audit:verify` ask of the console that holds the embedded store in dir. */
export function serveOperatorCommands(dir: string) {
  return serveStoreControl(dir, {
    async backup(request) {
      const { dir: into } = parseInput(backupRequest, request);
      return backupStore(await getDb(), into);
    },
    async "audit-verify"() {
      const { verdict, newest } = await walkAuditChain(await getDb(), null);
      return { verdict, newest };
    },
  });
}
