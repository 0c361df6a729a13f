"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** `initialError`: why the last sign-in was refused, when the sign-in page was sent here with one (e.g. by OIDC). */
export function SignInForm({
  oidcName,
  initialError = null,
}: {
  oidcName: string | null;
  initialError?: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn("credentials", {
      redirect: false,
      email: form.get("email"),
      password: form.get("password"),
    });
    setPending(false);
    if (!res || res.error) {
      setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong email or password.");
      return;
    }
    router.replace("/");
    router.refresh();
  }

  const field =
    "w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950 focus-visible:outline-2 focus-visible:outline-sky-500";
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? "signin-error" : undefined}>
        <label className="block space-y-1">
          <span className="text-sm font-medium">Email</span>
          <input name="email" type="email" autoComplete="username" required autoFocus className={field} />
        </label>
        <label className="block space-y-1">
          <span className="text-sm font-medium">Password</span>
          <input name="password" type="password" autoComplete="current-password" required className={field} />
        </label>
        {error && (
          <p
            id="signin-error"
            role="alert"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
          >
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
        >
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oidcName && (
        <button
          type="button"
          onClick={() => signIn("oidc", { callbackUrl: "/" })}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-medium dark:border-slate-700"
        >
          Continue with {oidcName}
        </button>
      )}
    </div>
  );
}
