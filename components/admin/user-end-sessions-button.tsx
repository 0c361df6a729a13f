"use client";

import type { ActionResult } from "@/lib/action-result";
import { ConfirmButton } from "./confirm-button";

type Result = ActionResult<{ email: string; tokensRevoked: number }>;

/** End sessions, then confirm: every session of the account is signed out and the API tokens it created are revoked. */
export function UserEndSessionsButton({
  userId,
  email,
  action,
}: {
  userId: string;
  email: string;
  action: (prev: Result | null, form: FormData) => Promise<Result>;
}) {
  return (
    <ConfirmButton
      action={action}
      fields={{ userId }}
      label="End sessions"
      ariaLabel={`End sessions of ${email}`}
      question={`Sign ${email} out everywhere and revoke the API tokens they created?`}
      confirmLabel="Confirm end sessions"
      pendingLabel="Ending…"
      done={(d) => `Sessions ended${d.tokensRevoked ? `, ${d.tokensRevoked} API token(s) revoked` : ""}`}
    />
  );
}
