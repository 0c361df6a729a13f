"use client";

import { useActionState } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ email: string }>;
type Action = (prev: Result | null, form: FormData) => Promise<Result>;

/** A locked account's state and the admin's way to lift the lock before it runs out. */
export function UserUnlockButton({
  userId,
  email,
  lockedUntil,
  action,
}: {
  userId: string;
  email: string;
  lockedUntil: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok === true) {
    return (
      <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
        Unlocked
      </span>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-100">
        Locked until <Timestamp iso={lockedUntil} show="full" />
      </span>
      <button
        type="submit"
        disabled={pending}
        aria-label={`Unlock ${email}`}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        {pending ? "Unlocking…" : "Unlock"}
      </button>
      {state?.ok === false && (
        <span role="status" className="text-sm text-red-700 dark:text-red-300">
          {state.message}
        </span>
      )}
    </form>
  );
}
