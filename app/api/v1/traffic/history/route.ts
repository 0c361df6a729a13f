import { chartRangeOf } from "@/lib/chart-range-schema";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { getTrafficHistory } from "@/server/traffic/traffic-service";

export const dynamic = "force-dynamic";

/** Chart history of global traffic per region and per geography: ?range=15m|1h|24h. */
export function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const range = chartRangeOf(request.url);
    if (!range) throw invalid("range must be 15m, 1h or 24h");
    return getTrafficHistory(caller, range);
  });
}
