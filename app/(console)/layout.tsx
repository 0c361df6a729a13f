import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/ui/app-header";
import { StoreUnavailable } from "@/components/ui/store-unavailable";
import { currentUserOrStoreError } from "@/server/auth/session";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user, storeError } = await currentUserOrStoreError();
  if (storeError) return <StoreUnavailable detail={storeError} />;
  if (!user) redirect("/signin");
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
