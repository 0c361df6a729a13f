import { rowId } from "@/lib/id-schema";
import { getAction } from "@/server/actions/action-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { notFound } from "@/server/errors";

export const dynamic = "force-dynamic";

/** GET /api/v1/actions/<id>: one run with its pre-flight, plan, approvals, output and verification. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const raw = (await params).id;
    const id = rowId.safeParse(raw);
    // An id no run can have (not a number, beyond int4) names none: a 404 without asking the store.
    if (!id.success) throw notFound(`There is no action #${raw.slice(0, 40)}.`);
    return getAction(caller, id.data);
  });
}
