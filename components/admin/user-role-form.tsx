"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/action-result";
import { roleLabels, roles, type Role } from "@/lib/roles";

type Action = (
  prev: ActionResult<{ email: string; role: string }> | null,
  form: FormData,
) => Promise<ActionResult<{ email: string; role: string }>>;

export function UserRoleForm({
  userId,
  email,
  role,
  action,
}: {
  userId: string;
  email: string;
  role: Role;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <label className="sr-only" htmlFor={`role-${userId}`}>
        Role for {email}
      </label>
      <select
        id={`role-${userId}`}
        name="role"
        defaultValue={role}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {roleLabels[r]}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-sky-700 px-2 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save"}
      </button>
      <span role="status" className="text-sm">
        {state?.ok === true && <span className="text-emerald-700 dark:text-emerald-300">Saved</span>}
        {state?.ok === false && <span className="text-red-700 dark:text-red-300">{state.message}</span>}
      </span>
    </form>
  );
}
