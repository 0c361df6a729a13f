"use server";

import type { ActionResult } from "@/lib/action-result";
import { requireUser, signOutEverywhere } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";

export type SignOutEverywhereResult = ActionResult<{ sessionEpoch: number }>;

/**
 * Ends every session of the signed-in account (other browsers and devices are signed out on their next
 * request); the page then signs this browser out too. It takes no input: it only ever acts on the caller.
 */
export async function signOutEverywhereAction(): Promise<SignOutEverywhereResult> {
  return toActionResult(async () => signOutEverywhere(await requireUser()));
}
