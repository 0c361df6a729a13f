import { renderAtom } from "@/lib/status-feed";
import { getPublicStatus } from "@/server/status/status-service";

export const dynamic = "force-dynamic";

/** The status page's incidents and their public updates as an Atom feed; anyone may read it. */
export async function GET(request: Request) {
  const origin = new URL(request.url).origin;
  try {
    const served = await getPublicStatus();
    return new Response(renderAtom(served.status, origin), {
      headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": "public, max-age=10" },
    });
  } catch {
    return new Response("The status cannot be read right now.\n", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "10" },
    });
  }
}
