"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import * as tokens from "@/server/auth/api-tokens";
import { formAction } from "@/server/server-action";

/**
 * The API token administration's form actions, for admins only. Each work function is `async`: in a "use server"
 * file Next.js refuses a synchronous function passed in an export's initializer.
 */

/** The schema's messages are whole sentences that name their field ("Pick at least one scope."). */
const tokenLabels = { name: "", scopes: "", expiresInDays: "" };

/** An admin creates an API token with its scopes and optional expiry; its secret goes back this once and is never stored or shown again. */
export const createApiToken = formAction(
  {
    role: "admin",
    input: tokens.createTokenInput,
    labels: tokenLabels,
    fromForm: (form) => {
      const expires = form.get("expiresInDays");
      return {
        name: form.get("name"),
        // Unticked boxes are not posted; a form without the scope fields at all (an older page) reads.
        scopes: form.has("scopesPosted") ? form.getAll("scopes") : undefined,
        expiresInDays: expires === null || expires === "" ? undefined : Number(expires),
      };
    },
  },
  async (input, actor) => {
    const { token, record } = await tokens.createApiToken(actor, input);
    revalidatePath("/admin/tokens");
    return { token, name: record.name, prefix: record.prefix, scopes: record.scopes, expiresAt: record.expiresAt };
  },
);

export const revokeApiToken = formAction(
  { role: "admin", input: z.object({ id: z.uuid("No such token.") }), fromForm: (form) => ({ id: form.get("id") }) },
  async ({ id }, actor) => {
    await tokens.revokeApiToken(actor, id);
    revalidatePath("/admin/tokens");
    return { id };
  },
);
