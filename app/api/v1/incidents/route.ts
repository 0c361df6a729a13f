import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { listIncidents } from "@/server/incidents/incident-service";

export const dynamic = "force-dynamic";

/** GET /api/v1/incidents?status=open|resolved|all&severity=P1&scenarioId=… */
export function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const q = new URL(request.url).searchParams;
    return {
      incidents: await listIncidents(caller, {
        status: q.get("status") ?? undefined,
        severity: q.get("severity") ?? undefined,
        scenarioId: q.get("scenarioId") ?? undefined,
      }),
    };
  });
}
