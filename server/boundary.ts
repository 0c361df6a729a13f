import "server-only";
import type { ActionResult } from "@/lib/action-result";
import { isStoreTrouble, ServiceError } from "./errors";
import { throttledLog } from "./throttled-log";

/** The store's own words (its address among them) go to the log, at most once per kind every ten seconds. */
const logStore = throttledLog(10_000);
function logStoreTrouble(where: string, err: ServiceError) {
  logStore(`${where}:${err.code}`, `[${where}] ${err.message}`);
}

/** Turns a service's expected errors into an action result; anything else reaches error.tsx. */
export async function toActionResult<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    const data = await work();
    return { ok: true, data } as ActionResult<T>;
  } catch (err) {
    if (err instanceof ServiceError) {
      if (isStoreTrouble(err)) logStoreTrouble("action", err);
      return { ok: false, code: err.code, message: err.shown };
    }
    throw err;
  }
}

/** Runs a route handler body: expected errors become JSON answers with their status, others a logged 500. */
export async function jsonRoute(work: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await work(), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof ServiceError) {
      if (isStoreTrouble(err)) logStoreTrouble("route", err);
      return Response.json(
        { error: err.code, message: err.shown },
        { status: err.status, headers: err.code === "unavailable" ? { "retry-after": "2" } : undefined },
      );
    }
    console.error("[route] unexpected error", err);
    return Response.json(
      { error: "internal", message: "Something went wrong on the console; see its log." },
      { status: 500 },
    );
  }
}
