import { storeProblem } from "@/server/db";

export const dynamic = "force-dynamic";

/** The console's own liveness, without sign-in: up while the process serves; the store's state is reported beside it. */
export async function GET() {
  const problem = await storeProblem();
  return Response.json(
    { status: "ok", store: problem ? "unavailable" : "ok", ...(problem ? { storeError: problem } : {}), time: new Date().toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
}
