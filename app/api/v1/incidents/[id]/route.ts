import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { getIncident } from "@/server/incidents/incident-service";
import { incidentPathId } from "@/server/incidents/incident-id";

export const dynamic = "force-dynamic";

export function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => getIncident(await requireCaller(request), incidentPathId((await params).id)));
}
