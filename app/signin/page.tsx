import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/signin-form";
import { StoreUnreachableNotice } from "@/components/ui/store-unreachable";
import { oidcRefusalMessage } from "@/server/auth/oidc-link";
import { currentUserOrStoreError } from "@/server/auth/session";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  const { user, storeUnreachable } = await currentUserOrStoreError();
  if (storeUnreachable) {
    return (
      <main className="mx-auto max-w-lg px-4 py-16">
        <StoreUnreachableNotice
          withFleet={false}
          text="Signing in needs the console's store. Switchyard keeps retrying, and this page offers the sign-in form again by itself once the store answers."
        />
      </main>
    );
  }
  if (user) redirect("/");
  const oidc = env.OIDC_ISSUER && env.OIDC_CLIENT_ID ? env.OIDC_NAME : null;
  const { error } = await searchParams;
  // Only the codes Switchyard itself sends here; anything else in the URL is not shown.
  const refused = oidcRefusalMessage(typeof error === "string" ? error : null);
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4">
      <h1 className="mb-1 text-2xl font-semibold">Switchyard</h1>
      <p className="mb-6 text-sm text-slate-500 dark:text-slate-400">Incident command. Sign in to continue.</p>
      <SignInForm oidcName={oidc} initialError={refused} />
      {env.demoUsers && (
        <p className="mt-6 text-xs text-slate-500 dark:text-slate-400">
          Demo accounts are listed in the terminal that started the console.
        </p>
      )}
    </main>
  );
}
