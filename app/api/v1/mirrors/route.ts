import { mirrorsView } from "@/lib/fleet-view";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return jsonRoute(async () => mirrorsView(await getFleetSnapshot(await requireCaller(request))));
}
