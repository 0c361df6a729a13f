"use client";

import type { ActionResult } from "@/lib/action-result";
import { ConfirmButton } from "./confirm-button";

/** Revoke, then confirm: a revoked token stops working at once and cannot be restored. */
export function TokenRevokeButton({
  id,
  name,
  action,
}: {
  id: string;
  name: string;
  action: (prev: ActionResult<{ id: string }> | null, form: FormData) => Promise<ActionResult<{ id: string }>>;
}) {
  return (
    <ConfirmButton
      action={action}
      fields={{ id }}
      label="Revoke"
      question={`Revoke “${name}”? Tools using it stop at once.`}
      confirmLabel="Confirm revoke"
      pendingLabel="Revoking…"
      align="justify-end md:justify-start"
    />
  );
}
