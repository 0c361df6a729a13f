import { z } from "zod";
import { rowId } from "@/lib/id-schema";
import { listActions } from "@/server/actions/action-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { parseInput } from "@/server/errors";

export const dynamic = "force-dynamic";

/** The filter's ids, bounded to int4 before the service sees them (its own schema checks the rest). */
const idFilters = z.object({ incidentId: rowId.optional() });

/** GET /api/v1/actions?status=open|pending|running|...&incidentId=&limit=: runbook action runs, newest first. */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const q = Object.fromEntries(new URL(request.url).searchParams);
    parseInput(idFilters, q);
    return { runs: await listActions(caller, q) };
  });
}
