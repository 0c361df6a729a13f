import "server-only";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { readPolicy } from "@/server/incidents/escalation";
import { addEvent } from "@/server/incidents/incident-store";
import { runPageMessage, sendPage } from "@/server/notify/pager";
import { onCallPersonAt } from "@/server/oncall/oncall-store";

/**
 * Pages the team about a run that stopped itself (RunContext.page): the escalation chain's first level for every
 * severity (the on-call engineer), by whoever is on call there and by the team webhook (PAGER_WEBHOOK_URL), as an
 * incident's first page goes; and a line on the run's incident's timeline. Never throws: says what went out.
 */
export async function pageAboutRun(
  run: { id: number; actionId: string; incidentId: number | null },
  what: string,
): Promise<string> {
  try {
    const db = await getDb();
    const policy = await readPolicy(db);
    const level = policy.find((l) => l.severities === null) ?? policy[0];
    const target = level?.target ?? "the team";
    const recipient = level ? await onCallPersonAt(db, level.level) : null;
    const delivery = await sendPage(db, "trigger", runPageMessage(run, what, target), {
      level: level?.level ?? 0,
      target,
      recipientId: recipient?.id ?? null,
    });
    const said = delivery.delivered
      ? `paged ${target}${recipient ? `: ${recipient.name}` : ""} (${delivery.detail})`
      : `page to ${target} not delivered: ${delivery.detail}`;
    if (run.incidentId !== null) {
      await db.transaction((tx) =>
        addEvent(tx, run.incidentId!, {
          actor: `Action #${run.id}`,
          kind: "action",
          message: `${run.actionId} (#${run.id}) ${what}; ${said}`,
          data: { runId: run.id, event: "stopped-itself", delivered: delivery.delivered },
        }),
      );
      publish("incidents");
    }
    return said;
  } catch (err) {
    return `could not page: ${(err as Error).message}`;
  }
}
