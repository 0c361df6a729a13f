import { listActions } from "@/server/actions/action-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";

export const dynamic = "force-dynamic";

/** GET /api/v1/actions?status=open|pending|running|...&incidentId=&limit=: runbook action runs, newest first. */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const q = Object.fromEntries(new URL(request.url).searchParams);
    return { runs: await listActions(caller, q) };
  });
}
