import { listAlertGroups } from "@/server/alerts/alert-group-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/alerts/groups?status=recent|open: alert groups with their alerts, pages and triage incidents; open ones
 * and those resolved in the last hour (recent, the default), or only open ones.
 */
export function GET(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const status = new URL(request.url).searchParams.get("status") ?? undefined;
    return { groups: await listAlertGroups(caller, { status }) };
  });
}
