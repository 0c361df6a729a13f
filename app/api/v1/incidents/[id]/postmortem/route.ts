import { incidentRef } from "@/lib/ids";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { draftPostmortem, getIncident } from "@/server/incidents/incident-service";
import { incidentPathId } from "@/server/incidents/incident-id";

export const dynamic = "force-dynamic";

/** The post-mortem as a Markdown download: the saved one, or a draft generated from the incident's record. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  let body: string;
  let id: number;
  try {
    const caller = await requireCaller(request);
    id = incidentPathId((await params).id);
    body = (await getIncident(caller, id)).incident.postmortem ?? (await draftPostmortem(caller, id));
  } catch (err) {
    return jsonRoute(() => Promise.reject(err));
  }
  return new Response(body, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="${incidentRef(id)}-postmortem.md"`,
      "cache-control": "no-store",
    },
  });
}
