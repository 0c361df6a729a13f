import "server-only";
import type { ActionResult } from "@/lib/action-result";
import { ServiceError } from "./errors";

/** Turns a service's expected errors into an action result; anything else reaches error.tsx. */
export async function toActionResult<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    const data = await work();
    return { ok: true, data } as ActionResult<T>;
  } catch (err) {
    if (err instanceof ServiceError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/** Runs a route handler body: expected errors become JSON answers with their status, others a logged 500. */
export async function jsonRoute(work: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await work(), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof ServiceError) return Response.json({ error: err.code, message: err.message }, { status: err.status });
    console.error("[route] unexpected error", err);
    return Response.json({ error: "internal", message: "Something went wrong on the console; see its log." }, { status: 500 });
  }
}
