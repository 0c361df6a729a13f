"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { createApiToken, createTokenInput, revokeApiToken } from "@/server/auth/api-tokens";
import { requireUser } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";
import { invalid } from "@/server/errors";

export type CreateTokenResult = ActionResult<{ token: string; name: string; prefix: string; scopes: string[]; expiresAt: string | null }>;
export type RevokeTokenResult = ActionResult<{ id: string }>;

/** An admin creates an API token with its scopes and optional expiry; its secret goes back this once and is never stored or shown again. */
export async function createApiTokenAction(_prev: CreateTokenResult | null, form: FormData): Promise<CreateTokenResult> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const expires = form.get("expiresInDays");
    const parsed = createTokenInput.safeParse({
      name: form.get("name"),
      // Unticked boxes are not posted; a form without the scope fields at all (an older page) reads.
      scopes: form.has("scopesPosted") ? form.getAll("scopes") : undefined,
      expiresInDays: expires === null || expires === "" ? undefined : Number(expires),
    });
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "Invalid request.");
    const { token, record } = await createApiToken(actor, parsed.data);
    revalidatePath("/admin/tokens");
    return { token, name: record.name, prefix: record.prefix, scopes: record.scopes, expiresAt: record.expiresAt };
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
