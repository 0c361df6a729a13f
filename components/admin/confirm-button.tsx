"use client";

import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/action-result";

type Action<T> = (prev: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;

/**
 * A destructive admin action in two steps: the button, then a question with "Confirm" and "Cancel" (focus moves
 * to Confirm, and back to the button on Cancel). `fields` are posted as hidden inputs; `done` says what happened.
 */
export function ConfirmButton<T>({
  action,
  fields,
  label,
  ariaLabel,
  question,
  confirmLabel,
  pendingLabel,
  done,
  align = "",
}: {
  action: Action<T>;
  fields: Record<string, string>;
  label: string;
  ariaLabel?: string;
  question: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  done?: (data: T) => ReactNode;
  /** extra classes for the row (e.g. its alignment in a table cell) */
  align?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState(async (prev: ActionResult<T> | null, form: FormData) => {
    const result = await action(prev, form);
    if (result.ok) setConfirming(false);
    return result;
  }, null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const problem = state?.ok === false && (
    <span role="status" className={`text-sm text-red-700 dark:text-red-300 ${confirming ? "w-full" : ""}`}>
      {state.message}
    </span>
  );
  if (!confirming) {
    return (
      <div className={`flex flex-wrap items-center gap-2 ${align}`}>
        <button
          ref={startRef}
          type="button"
          onClick={() => setConfirming(true)}
          aria-label={ariaLabel}
          className="rounded-md border border-red-300 px-2.5 py-1 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40"
        >
          {label}
        </button>
        {state?.ok === true && done && (
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
            {done((state as { data: T }).data)}
          </span>
        )}
        {problem}
      </div>
    );
  }
  return (
    <form action={formAction} className={`flex flex-wrap items-center gap-2 ${align}`}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <span className="text-sm">{question}</span>
      <button
        ref={confirmRef}
        type="submit"
        disabled={pending}
        className="rounded-md bg-red-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
      >
        {pending ? pendingLabel : confirmLabel}
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
      {problem}
    </form>
  );
}
