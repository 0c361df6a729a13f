import type { Metadata } from "next";
import Link from "next/link";
import { OnCallBoardView } from "@/components/oncall/on-call-board";
import { link, muted } from "@/components/incidents/styles";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { readOnCallBoard } from "@/server/oncall/oncall-service";

export const metadata: Metadata = { title: "On call" };

export default async function OnCallPage() {
  const user = await requireUser();
  const board = await readOnCallBoard(user);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">On call</h1>
      <p className={`text-sm ${muted}`}>
        Who is on call now and next at every level of the escalation chain. Each level&apos;s times are in its
        rotation&apos;s time zone.
        {hasRole(user.role, "admin") && (
          <>
            {" "}
            <Link href="/admin/on-call" className={link}>
              Edit schedules
            </Link>
          </>
        )}
      </p>
      <OnCallBoardView levels={board.levels} />
    </div>
  );
}
