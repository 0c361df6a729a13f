import { storeProblem } from "@/server/db";
import { collectorRole } from "@/server/fleet/collector";

export const dynamic = "force-dynamic";

/**
 * The console's own liveness, without sign-in: up while the process serves. Beside it, the store's state and
 * whether this console collects ("leading") or another one does ("standby").
 */
export async function GET() {
  const problem = await storeProblem();
  return Response.json(
    { status: "ok", store: problem ? "unavailable" : "ok", ...(problem ? { storeError: problem } : {}), collector: collectorRole(), time: new Date().toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
}
