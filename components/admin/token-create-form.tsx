"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ token: string; name: string; prefix: string }>;
type Action = (prev: Result | null, form: FormData) => Promise<Result>;

/** Names and creates a token, then shows its secret this once, with a copy button. */
export function TokenCreateForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const created = state?.ok ? state.data : null;
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 grow flex-col gap-1 sm:max-w-sm">
          <label htmlFor="token-name" className="text-sm font-medium">
            Token name
          </label>
          <input
            id="token-name"
            name="name"
            required
            maxLength={80}
            autoComplete="off"
            placeholder="e.g. grafana-dashboard"
            aria-describedby="token-name-hint"
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create token"}
        </button>
        <p id="token-name-hint" className="w-full text-xs text-slate-500 dark:text-slate-400">
          Name it after what will use it. Tokens read the JSON API like a viewer and can post Alertmanager alerts.
        </p>
        <p role="status" className="w-full text-sm empty:hidden">
          {state?.ok === false && <span className="text-red-700 dark:text-red-300">{state.message}</span>}
        </p>
      </form>
      {created && <NewSecret key={created.token} name={created.name} token={created.token} />}
    </div>
  );
}

function NewSecret({ name, token }: { name: string; token: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  if (dismissed) return null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("yes");
    } catch {
      // No clipboard access (e.g. plain HTTP on another host): select it for a manual copy instead.
      input.current?.select();
      setCopied("failed");
    }
  };
  return (
    <div data-testid="new-token" role="alert" className="space-y-2 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40">
      <p className="font-semibold text-amber-950 dark:text-amber-100">Token “{name}” created. Copy its secret now: it will not be shown again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="new-token-secret" className="sr-only">
          Secret of {name}
        </label>
        <input
          id="new-token-secret"
          ref={input}
          readOnly
          value={token}
          data-testid="new-token-secret"
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 grow rounded-md border border-amber-300 bg-white px-2 py-1.5 font-mono text-xs dark:border-amber-800 dark:bg-slate-950"
        />
        <button
          type="button"
          onClick={copy}
          className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-white"
        >
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
        <button
          type="button"
          onClick={() => setDismissed(true)}
          className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-slate-300 dark:hover:bg-amber-900/40"
        >
          Done
        </button>
      </div>
      {copied === "failed" && <p className="text-amber-900 dark:text-amber-200">The browser would not let us copy; the secret is selected, copy it with your keyboard.</p>}
    </div>
  );
}
