import Link from "next/link";
import { LiveIndicator } from "@/components/fleet/live-indicator";
import { roleLabels, type Role } from "@/lib/roles";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: { name: string; email: string; role: Role } }) {
  const links = [{ href: "/", label: "Overview" }, ...(user.role === "admin" ? [{ href: "/admin/users", label: "Users" }] : [])];
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Switchyard
        </Link>
        <nav aria-label="Main" className="flex gap-1">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <LiveIndicator />
          <span title={user.email}>
            {user.name} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300" data-testid="current-role">{roleLabels[user.role]}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
