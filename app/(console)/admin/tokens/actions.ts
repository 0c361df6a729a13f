"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { createApiToken, createTokenInput, revokeApiToken } from "@/server/auth/api-tokens";
import { requireUser } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";
import { invalid } from "@/server/errors";

export type CreateTokenResult = ActionResult<{ token: string; name: string; prefix: string }>;
export type RevokeTokenResult = ActionResult<{ id: string }>;

/** An admin creates an API token; its secret goes back this once and is never stored or shown again. */
export async function createApiTokenAction(_prev: CreateTokenResult | null, form: FormData): Promise<CreateTokenResult> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const parsed = createTokenInput.safeParse({ name: form.get("name") });
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "Invalid request.");
    const { token, record } = await createApiToken(actor, parsed.data);
    revalidatePath("/admin/tokens");
    return { token, name: record.name, prefix: record.prefix };
  });
}

const revokeInput = z.object({ id: z.uuid("No such token.") });

export async function revokeApiTokenAction(_prev: RevokeTokenResult | null, form: FormData): Promise<RevokeTokenResult> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const parsed = revokeInput.safeParse({ id: form.get("id") });
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "Invalid request.");
    await revokeApiToken(actor, parsed.data.id);
    revalidatePath("/admin/tokens");
    return { id: parsed.data.id };
  });
}
