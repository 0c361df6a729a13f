import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { formatTimestamp } from "@/lib/format";
import { hasRole } from "@/lib/roles";
import { formatBytes, formatDuration } from "@/lib/units";
import { currentUser } from "@/server/auth/session";
import { backupDir, lastBackup } from "@/server/db/backup";
import { embeddedStoreDir, getDb } from "@/server/db";

export const metadata: Metadata = { title: "Store" };

/** A backup older than this is called out: the runbook's record of an incident is only as safe as its last copy. */
const STALE_AFTER_MS = 24 * 3600_000;

export default async function StorePage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const db = await getDb();
  const last = await lastBackup(db);
  const stale = !last || last.ageMs > STALE_AFTER_MS;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Store</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Switchyard&apos;s own record — incidents, timelines, action runs, the audit chain —{" "}
        {db.driver === "pg" ? (
          "in the PostgreSQL store at DATABASE_URL."
        ) : (
          <>
            in the embedded store at <code>{embeddedStoreDir()}</code>.
          </>
        )}
      </p>
      <section
        className={`rounded border p-4 ${stale ? "border-amber-400 bg-amber-50 dark:border-amber-700 dark:bg-amber-950" : "border-slate-200 dark:border-slate-800"}`}
        data-testid="last-backup"
      >
        <h2 className="font-medium">Last backup</h2>
        {last ? (
          <p className="mt-1 text-sm">
            <span className="font-semibold">{formatDuration(last.ageMs)} ago</span> ·{" "}
            <time dateTime={last.takenAt}>{formatTimestamp(last.takenAt)}</time> · {last.file} ·{" "}
            {formatBytes(last.bytes)}
            {stale ? " — older than a day: take one now." : ""}
          </p>
        ) : (
          <p className="mt-1 text-sm">No backup of this store yet. Take one now, and schedule it.</p>
        )}
      </section>
      <section className="space-y-2 text-sm">
        <h2 className="font-medium">Back up and restore</h2>
        <p>
          <code>npm run store:backup</code> writes a consistent, dated copy (also while consoles run) to{" "}
          <code>{backupDir()}</code>; schedule it daily (cron or a systemd timer, see the README) and copy the files to
          another machine. <code>npm run store:restore FILE</code> brings one back into an empty store and checks its
          audit chain.
        </p>
      </section>
    </div>
  );
}
