import { alertmanagerWebhook, ingestAlertmanager } from "@/server/alerts/alerts-service";
import { requireTokenCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { readBodyUpTo } from "@/server/read-body";

export const dynamic = "force-dynamic";

/** Alertmanager's webhook bodies are small; anything bigger is refused before it is held in memory. */
const MAX_BODY_BYTES = 1024 * 1024;

const refuse = (status: number, error: string, message: string) =>
  Response.json({ error, message }, { status, headers: { "cache-control": "no-store" } });

/**
 * Alertmanager webhook receiver: point a `webhook_configs` entry here with an API token that has the
 * `alerts:write` scope as bearer (`http_config.authorization.credentials`). Only such a token is accepted (401
 * without, 403 without the scope), only `application/json` (415), at most 1 MiB (413).
 */
export async function POST(request: Request): Promise<Response> {
  let caller;
  try {
    caller = await requireTokenCaller(request, "alerts:write");
  } catch (err) {
    return jsonRoute(() => Promise.reject(err));
  }
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json")
    return refuse(415, "unsupported_media_type", "Send the webhook body as application/json.");
  const text = await readBodyUpTo(request, MAX_BODY_BYTES);
  if (text === null)
    return refuse(413, "payload_too_large", `The webhook body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
  return jsonRoute(async () => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid("The webhook body is not valid JSON.");
    }
    const parsed = alertmanagerWebhook.safeParse(json);
    if (!parsed.success)
      throw invalid(
        `Not an Alertmanager webhook body: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    return ingestAlertmanager(caller, parsed.data);
  });
}
