import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { listRecentAlerts } from "@/server/alerts/alerts-service";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return jsonRoute(async () => ({ alerts: await listRecentAlerts(await requireCaller(request)) }));
}
