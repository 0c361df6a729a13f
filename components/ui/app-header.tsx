import Link from "@/components/ui/link";
import { signOutEverywhere } from "@/app/(console)/session-actions";
import { LiveIndicator } from "@/components/fleet/live-indicator";
import { hasRole, roleLabels, type Role } from "@/lib/roles";
import { MainNav } from "./main-nav";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: { name: string; email: string; role: Role } }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2 lg:py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Switchyard
        </Link>
        <MainNav admin={hasRole(user.role, "admin")} className="order-last w-full lg:order-none lg:w-auto" />
        <div className="ml-auto flex items-center gap-3 text-sm">
          <LiveIndicator />
          <span title={user.email} className="flex items-center gap-1.5">
            <span className="hidden sm:inline">{user.name}</span>
            <span
              className="rounded bg-slate-100 px-1.5 py-0.5 text-xs whitespace-nowrap text-slate-600 dark:bg-slate-800 dark:text-slate-300"
              data-testid="current-role"
            >
              {roleLabels[user.role]}
            </span>
          </span>
          <SignOutButton everywhere={signOutEverywhere} />
        </div>
      </div>
    </header>
  );
}
