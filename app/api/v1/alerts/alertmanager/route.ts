import { alertmanagerWebhook, ingestAlertmanager } from "@/server/alerts/alerts-service";
import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";

export const dynamic = "force-dynamic";

/** Alertmanager webhook receiver: point a `webhook_configs` entry here with an API token as bearer. */
export function POST(request: Request) {
  return jsonRoute(async () => {
    const caller = await requireCaller(request);
    const parsed = alertmanagerWebhook.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw invalid(`Not an Alertmanager webhook body: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return ingestAlertmanager(caller, parsed.data);
  });
}
