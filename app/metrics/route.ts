import { timingSafeEqual } from "node:crypto";
import { renderMetrics } from "@/lib/prometheus";
import { env } from "@/server/env";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";
import { cachedTrafficView } from "@/server/traffic/traffic-service";

export const dynamic = "force-dynamic";

function authorized(request: Request): boolean {
  // Production on PostgreSQL refuses to start without METRICS_TOKEN; should it run anyway, the endpoint stays shut.
  if (!env.METRICS_TOKEN) return !env.strictProduction;
  const given = Buffer.from(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  const want = Buffer.from(env.METRICS_TOKEN);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Prometheus scrape endpoint; open unless METRICS_TOKEN is set (which production on PostgreSQL requires). */
export async function GET(request: Request) {
  if (!authorized(request))
    return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": "Bearer" } });
  try {
    const [fleet, traffic] = await Promise.all([cachedFleetSnapshot(), cachedTrafficView()]);
    const body = renderMetrics(fleet, traffic);
    return new Response(body, {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
    });
  } catch (err) {
    console.error(`[metrics] ${(err as Error).message}`);
    return new Response("# the console's store cannot be reached\n", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}
