import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { forbidden } from "next/navigation";
import { panel, muted, link } from "@/components/incidents/styles";
import { rotationSummary } from "@/components/oncall/on-call-board";
import { OverrideEditor } from "@/components/oncall/override-editor";
import { RotationEditor } from "@/components/oncall/rotation-editor";
import { hasRole } from "@/lib/roles";
import { currentUser } from "@/server/auth/session";
import { listOnCallCandidates, readOnCallBoard } from "@/server/oncall/oncall-service";
import { addOnCallOverride, removeOnCallOverride, saveOnCallRotation } from "./actions";

export const metadata: Metadata = { title: "On-call schedules" };

const ZONES = "oncall-time-zones";

export default async function OnCallAdminPage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const [board, people] = await Promise.all([readOnCallBoard(actor), listOnCallCandidates(actor)]);
  const zones = Intl.supportedValuesOf("timeZone");
  const today = board.at.slice(0, 10);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">On-call schedules</h1>
      <p className={`text-sm ${muted}`}>
        One rotation for each level of the{" "}
        <Link href="/admin/escalation" className={link}>
          escalation chain
        </Link>
        , and overrides on top of it: where overrides overlap, the one added last wins. Everyone signed in sees{" "}
        <Link href="/on-call" className={link}>
          who is on call
        </Link>
        .
      </p>
      <datalist id={ZONES}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {board.levels.map((l) => (
        <section
          key={l.level}
          aria-labelledby={`level-${l.level}`}
          className={`${panel} space-y-4`}
          data-testid="oncall-admin-level"
        >
          <header>
            <h2 id={`level-${l.level}`} className="font-semibold">
              {l.target}
            </h2>
            <p className={`text-xs ${muted}`}>
              {rotationSummary(l)} · on call now: {l.now.person?.name ?? "nobody"}
            </p>
          </header>
          <RotationEditor
            level={l}
            people={people}
            zoneListId={ZONES}
            defaultZone="UTC"
            today={today}
            save={saveOnCallRotation}
          />
          <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
            <h3 className="mb-2 text-sm font-semibold">Overrides</h3>
            <OverrideEditor level={l} people={people} add={addOnCallOverride} remove={removeOnCallOverride} />
          </div>
        </section>
      ))}
      {!board.levels.length && <p className={muted}>The escalation chain has no levels.</p>}
    </div>
  );
}
