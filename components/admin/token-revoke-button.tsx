"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ id: string }>;
type Action = (prev: Result | null, form: FormData) => Promise<Result>;

/** Revoke, then confirm: a revoked token stops working at once and cannot be restored. */
export function TokenRevokeButton({ id, name, action }: { id: string; name: string; action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div className="flex flex-wrap items-center justify-end gap-2 md:justify-start">
        <button
          ref={startRef}
          type="button"
          onClick={() => setConfirming(true)}
          className="rounded-md border border-red-300 px-2.5 py-1 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40"
        >
          Revoke
        </button>
        {state?.ok === false && (
          <span role="status" className="text-sm text-red-700 dark:text-red-300">
            {state.message}
          </span>
        )}
      </div>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center justify-end gap-2 md:justify-start">
      <input type="hidden" name="id" value={id} />
      <span className="text-sm">Revoke “{name}”? Tools using it stop at once.</span>
      <button
        ref={confirmRef}
        type="submit"
        disabled={pending}
        className="rounded-md bg-red-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
      >
        {pending ? "Revoking…" : "Confirm revoke"}
      </button>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          setConfirming(false);
          requestAnimationFrame(() => startRef.current?.focus());
        }}
        className="rounded-md px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-slate-300 dark:hover:bg-slate-800"
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
