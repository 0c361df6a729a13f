import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { EscalationEditor } from "@/components/incidents/escalation-editor";
import { hasRole } from "@/lib/roles";
import { updateEscalationPolicy } from "@/app/(console)/incidents/actions";
import { currentUser } from "@/server/auth/session";
import { readPolicy } from "@/server/incidents/escalation";

export const metadata: Metadata = { title: "Escalation" };

export default async function EscalationPage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const levels = await readPolicy();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Escalation chain</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Who is paged, how long after an incident is declared. The runbook&apos;s chain: the on-call engineer at once,
        the tech lead at 15 min, the engineering manager at 30 min, the CTO at 1 h, and for a P0 the backup on-call
        engineer when nobody acknowledges within 5 min. Changes apply to incidents declared afterwards.
      </p>
      <EscalationEditor levels={levels} save={updateEscalationPolicy} />
    </div>
  );
}
