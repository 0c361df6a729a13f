import { summaryJson } from "@/lib/status-feed";
import { getPublicStatus } from "@/server/status/status-service";

export const dynamic = "force-dynamic";

/** The status page as JSON, shaped like Statuspage's /api/v2/summary.json; anyone may read it, from any origin. */
export async function GET(request: Request) {
  const origin = new URL(request.url).origin;
  const headers = { "cache-control": "public, max-age=10", "access-control-allow-origin": "*" };
  try {
    return Response.json(summaryJson(await getPublicStatus(), origin), { headers });
  } catch {
    return Response.json(
      { error: "The status cannot be read right now." },
      { status: 503, headers: { ...headers, "retry-after": "10" } },
    );
  }
}
