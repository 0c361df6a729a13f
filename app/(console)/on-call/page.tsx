import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ContactMethodsEditor } from "@/components/oncall/contact-methods-editor";
import { OnCallBoardView } from "@/components/oncall/on-call-board";
import { link, muted, panel } from "@/components/incidents/styles";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { listContactMethods } from "@/server/notify/contact-methods-service";
import { readOnCallBoard } from "@/server/oncall/oncall-service";
import { addMyContactMethod, removeMyContactMethod } from "./actions";

export const metadata: Metadata = { title: "On call" };

export default async function OnCallPage() {
  const user = await requireUser();
  const [board, methods] = await Promise.all([readOnCallBoard(user), listContactMethods(user, { userId: user.id })]);
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
      <section aria-labelledby="contact-methods" className={`${panel} space-y-3`} data-testid="my-contact-methods">
        <header>
          <h2 id="contact-methods" className="font-semibold">
            Your contact methods
          </h2>
          <p className={`text-sm ${muted}`}>
            When you are on call, a page goes to each of these at once: a PagerDuty service (acknowledging in Switchyard
            acknowledges there too), a webhook that takes Switchyard&apos;s JSON, or email.
          </p>
        </header>
        <ContactMethodsEditor
          userId={user.id}
          methods={methods}
          add={addMyContactMethod}
          remove={removeMyContactMethod}
        />
      </section>
    </div>
  );
}
