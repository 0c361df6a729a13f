"use client";

import { signOut } from "next-auth/react";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/action-result";

const buttonClass =
  "rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800";

/** Sign out of this browser; or, with `everywhere`, end every session of the account first (other devices too). */
export function SignOutButton({ everywhere }: { everywhere?: () => Promise<ActionResult<{ sessionEpoch: number }>> }) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-1">
      <button type="button" onClick={() => signOut({ callbackUrl: "/signin" })} className={buttonClass}>
        Sign out
      </button>
      {everywhere && (
        <button
          type="button"
          disabled={pending}
          aria-label="Sign out everywhere"
          title="Sign out on every browser and device"
          onClick={() =>
            startTransition(async () => {
              const result = await everywhere();
              if (result.ok) await signOut({ callbackUrl: "/signin" });
              else setProblem(result.message);
            })
          }
          // not in a phone's narrow header: from a wider screen it ends the phone's session too
          className={`${buttonClass} hidden sm:inline-block`}
        >
          {pending ? "Signing out…" : "Everywhere"}
        </button>
      )}
      {problem && (
        <span role="status" className="text-xs text-red-700 dark:text-red-300">
          {problem}
        </span>
      )}
    </span>
  );
}
