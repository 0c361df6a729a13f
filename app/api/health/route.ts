import { freshnessSummary } from "@/lib/freshness";
import { storeProblem } from "@/server/db";
import { collectorRole, collectorTerm } from "@/server/fleet/collector";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

/**
 * The console's own liveness, without sign-in: 200 while the process serves. `status` is "degraded" when
 * what it would show is not current: the store cannot be reached, or some region's newest sample is older
 * than three poll intervals (`sampleAgeSeconds` is the oldest such age). Beside it, whether this console
 * collects ("leading", with its lease's term) or another one does ("standby"). Anyone may ask, so the store's raw
 * error (with its host and port) stays in the server's log; the answer only says `store: "unavailable"`.
 */
export async function GET() {
  const problem = await storeProblem();
  const snapshot = problem ? null : await cachedFleetSnapshot().catch(() => null);
  const fresh = snapshot ? freshnessSummary(snapshot) : null;
  const degraded = !fresh || fresh.staleRegions.length > 0;
  return Response.json(
    {
      status: degraded ? "degraded" : "ok",
      store: problem ? "unavailable" : "ok",
      collector: collectorRole(),
      term: collectorTerm(),
      sampleAgeSeconds: fresh?.sampleAgeSeconds ?? null,
      staleRegions: fresh?.staleRegions ?? [],
      staleAfterSeconds: snapshot?.staleAfterSeconds ?? null,
      time: new Date().toISOString(),
    },
    { headers: { "cache-control": "no-store" } },
  );
}
