"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ token: string; name: string; prefix: string; scopes: string[]; expiresAt: string | null }>;
type Action = (prev: Result | null, form: FormData) => Promise<Result>;
export type ScopeChoice = { id: string; label: string };

const fieldClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-700 dark:bg-slate-950";

const days = (n: number) => (n === 1 ? "1 day" : n === 365 ? "1 year" : `${n} days`);

/** Names a token, picks its scopes (read by default) and how long it lasts, creates it, then shows its secret this once. */
export function TokenCreateForm({
  action,
  scopes,
  expiryDays,
}: {
  action: Action;
  scopes: readonly ScopeChoice[];
  expiryDays: readonly number[];
}) {
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
            className={fieldClass}
          />
        </div>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">Scopes</legend>
          <input type="hidden" name="scopesPosted" value="1" />
          {scopes.map((s) => (
            <label key={s.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="scopes"
                value={s.id}
                defaultChecked={s.id === "read"}
                className="focus-visible:outline-2 focus-visible:outline-sky-500"
              />
              <code className="text-xs">{s.id}</code>
              <span className="text-slate-600 dark:text-slate-400">{s.label}</span>
            </label>
          ))}
        </fieldset>
        <div className="flex flex-col gap-1">
          <label htmlFor="token-expiry" className="text-sm font-medium">
            Expires
          </label>
          <select id="token-expiry" name="expiresInDays" defaultValue="" className={fieldClass}>
            <option value="">Never (until revoked)</option>
            {expiryDays.map((n) => (
              <option key={n} value={n}>
                In {days(n)}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create token"}
        </button>
        <p id="token-name-hint" className="w-full text-xs text-slate-500 dark:text-slate-400">
          Name it after what will use it. Give Alertmanager a token with alerts:write; a dashboard or script needs only
          read. An expired token is refused.
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
    <div
      data-testid="new-token"
      role="alert"
      className="space-y-2 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="font-semibold text-amber-950 dark:text-amber-100">
        Token “{name}” created. Copy its secret now: it will not be shown again.
      </p>
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
      {copied === "failed" && (
        <p className="text-amber-900 dark:text-amber-200">
          The browser would not let us copy; the secret is selected, copy it with your keyboard.
        </p>
      )}
    </div>
  );
}
