import { requireUser } from "@/server/auth/session";
import { jsonRoute } from "@/server/boundary";
import { getRegions } from "@/server/fleet/regions-service";

export const dynamic = "force-dynamic";

export function GET() {
  return jsonRoute(async () => getRegions(await requireUser()));
}
