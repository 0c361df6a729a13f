import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { getTrafficView } from "@/server/traffic/traffic-service";

export const dynamic = "force-dynamic";

/** The global traffic snapshot the collector stored last, with its age (`stale` once it is too old). */
export function GET(request: Request) {
  return jsonRoute(async () => getTrafficView(await requireCaller(request)));
}
