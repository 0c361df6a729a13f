import { listAlertGroups } from "@/server/alerts/alert-group-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";

export const dynamic = "force-dynamic";

/** Open alert groups and those resolved in the last hour, with their alerts, pages and triage incidents. */
export function GET(request: Request) {
  return jsonRoute(async () => ({ groups: await listAlertGroups(await requireCaller(request)) }));
}
