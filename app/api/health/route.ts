import { getDb } from "@/server/db";

export const dynamic = "force-dynamic";

/** The console's own liveness, without sign-in: up while the process serves; the store's state is reported. */
export async function GET() {
  let store: "ok" | "unavailable" = "ok";
  try {
    await (await getDb()).query("select 1");
  } catch {
    store = "unavailable";
  }
  return Response.json({ status: "ok", store, time: new Date().toISOString() }, { headers: { "cache-control": "no-store" } });
}
