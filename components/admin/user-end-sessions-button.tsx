"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ email: string; tokensRevoked: number }>;
type Action = (prev: Result | null, form: FormData) => Promise<Result>;

/** End sessions, then confirm: every session of the account is signed out and the API tokens it created are revoked. */
export function UserEndSessionsButton({ userId, email, action }: { userId: string; email: string; action: Action }) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState(async (prev: Result | null, form: FormData) => {
    const result = await action(prev, form);
    if (result.ok) setConfirming(false);
    return result;
  }, null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div className="flex flex-wrap items-center gap-2">
        <button
          ref={startRef}
          type="button"
          onClick={() => setConfirming(true)}
          aria-label={`End sessions of ${email}`}
          className="rounded-md border border-red-300 px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40"
        >
          End sessions
        </button>
        <span role="status" className="text-sm empty:hidden">
          {state?.ok === true && (
            <span className="text-emerald-700 dark:text-emerald-300">
              Sessions ended{state.data.tokensRevoked ? `, ${state.data.tokensRevoked} API token(s) revoked` : ""}
            </span>
          )}
          {state?.ok === false && <span className="text-red-700 dark:text-red-300">{state.message}</span>}
        </span>
      </div>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <span className="text-sm">Sign {email} out everywhere and revoke the API tokens they created?</span>
      <button
        ref={confirmRef}
        type="submit"
        disabled={pending}
        className="rounded-md bg-red-700 px-2 py-1 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
      >
        {pending ? "Ending…" : "Confirm end sessions"}
      </button>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          setConfirming(false);
          requestAnimationFrame(() => startRef.current?.focus());
        }}
        className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        Cancel
      </button>
      {state?.ok === false && (
        <span role="status" className="w-full text-sm text-red-700 dark:text-red-300">
          {state.message}
        </span>
      )}
    </form>
  );
}
