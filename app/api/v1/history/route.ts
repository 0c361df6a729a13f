import { chartRangeOf } from "@/lib/chart-range-schema";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { getHistory } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const range = chartRangeOf(request.url);
    if (!range) throw invalid("range must be 15m, 1h or 24h");
    return getHistory(caller, range);
  });
}
