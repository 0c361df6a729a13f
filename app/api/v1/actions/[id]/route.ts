import { getAction } from "@/server/actions/action-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";

export const dynamic = "force-dynamic";

/** GET /api/v1/actions/<id>: one run with its pre-flight, plan, approvals, output and verification. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const id = Number((await params).id);
    if (!Number.isInteger(id) || id <= 0) throw invalid("Not an action id.");
    return getAction(caller, id);
  });
}
