import { z } from "zod";
import { chartRanges } from "@/lib/fleet-sample";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { getTrafficHistory } from "@/server/traffic/traffic-service";

export const dynamic = "force-dynamic";

const query = z.object({ range: z.enum(Object.keys(chartRanges) as [keyof typeof chartRanges]).default("15m") });

/** Chart history of global traffic per region and per geography: ?range=15m|1h|24h. */
export function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const parsed = query.safeParse({ range: new URL(request.url).searchParams.get("range") ?? undefined });
    if (!parsed.success) throw invalid("range must be 15m, 1h or 24h");
    return getTrafficHistory(caller, parsed.data.range);
  });
}
