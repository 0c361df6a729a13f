import { incidentRef } from "@/lib/ids";
import { timelineCsv } from "@/lib/timeline-export";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { getIncident } from "@/server/incidents/incident-service";
import { incidentPathId } from "@/server/incidents/incident-id";

export const dynamic = "force-dynamic";

/** The timeline export: ?format=json (default) or csv, optionally ?kind=comm,step to filter. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const caller = await requireCaller(request);
    const id = incidentPathId((await params).id);
    const q = new URL(request.url).searchParams;
    const format = q.get("format") ?? "json";
    if (format !== "json" && format !== "csv") throw invalid("format must be json or csv");
    const kinds = q.get("kind")?.split(",").filter(Boolean);
    const events = (await getIncident(caller, id)).events.filter((e) => !kinds?.length || kinds.includes(e.kind));
    if (format === "json")
      return Response.json(
        { incident: id, events },
        { headers: { "content-disposition": `attachment; filename="${incidentRef(id)}-timeline.json"` } },
      );
    return new Response(timelineCsv(events), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${incidentRef(id)}-timeline.csv"`,
      },
    });
  } catch (err) {
    return jsonRoute(() => Promise.reject(err));
  }
}
