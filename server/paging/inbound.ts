import "server-only";
import { incidentRef } from "@/lib/ids";
import { appendAudit } from "@/server/audit/append-audit";
import { recordGroupAcknowledgement } from "@/server/alerts/alert-group-service";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { recordAcknowledgement } from "@/server/incidents/incident-service";
import { pageIdOf } from "@/server/notify/pager";

/**
 * A page acknowledged in PagerDuty (its signed v3 webhook names the page's dedup_key): the page's incident or alert
 * group is acknowledged in Switchyard as if done here, audited with PagerDuty as the channel. Unknown keys change
 * nothing.
 */
export async function acknowledgePageFromPagerDuty(dedupKey: string): Promise<"acknowledged" | "already" | "unknown"> {
  const pageId = pageIdOf(dedupKey);
  if (pageId === null) return "unknown";
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const r = await tx.query<{ incident_id: number | null; group_id: number | null; recipient: string | null }>(
      `select p.incident_id, p.group_id, u.name as recipient from incident_pages p left join users u on u.id = p.recipient_id
       where p.id = $1 and p.sent_at is not null`,
      [pageId],
    );
    const page = r.rows[0];
    if (!page) return "unknown" as const;
    const by = `${page.recipient ?? "someone"} in PagerDuty`;
    if (page.incident_id !== null) {
      const i = await tx.query<{ acknowledged_at: Date | null }>(
        "select acknowledged_at from incidents where id = $1 for update",
        [page.incident_id],
      );
      if (i.rows[0]?.acknowledged_at) return "already" as const;
      await recordAcknowledgement(tx, page.incident_id, by);
    } else if (!(await recordGroupAcknowledgement(tx, page.group_id!, by))) return "already" as const;
    await appendAudit(tx, {
      actor: null,
      action: page.incident_id !== null ? "incident.acknowledge" : "alert-group.acknowledge",
      target: page.incident_id !== null ? incidentRef(page.incident_id) : `alert group ${page.group_id}`,
      detail: { via: "pagerduty", dedupKey, by },
    });
    return "acknowledged" as const;
  });
  if (result === "acknowledged") {
    publish("incidents");
    publish("alerts");
  }
  return result;
}
