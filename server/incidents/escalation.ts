import "server-only";
import { z } from "zod";
import type { Incident } from "@/lib/incident";
import { severities } from "@/lib/severity";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { parseInput } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { pageMessage, sendPage, type PageSubject } from "@/server/notify/pager";
import { onCallPersonAt, readPeople } from "@/server/oncall/oncall-store";
import { throttledLog } from "@/server/throttled-log";
import { addEvent, readIncident } from "./incident-store";

const log = throttledLog(10_000);

/**
 * The runbook's escalation chain: on-call engineer at once, tech lead at 15 min, engineering manager at
 * 30 min, CTO at 1 h; for a P0 the backup is paged when nobody acknowledges within 5 min. Pages are rows
 * with a due time, so the timers survive a restart; the leading console sends what is due.
 */

export interface EscalationLevel {
  level: number;
  afterSeconds: number;
  target: string;
  contact: string;
  severities: (typeof severities)[number][] | null;
  onlyIfUnacknowledged: boolean;
}

export async function readPolicy(db?: Queryable): Promise<EscalationLevel[]> {
  const q = db ?? (await getDb());
  const r = await q.query<{
    level: number;
    after_seconds: number;
    target: string;
    contact: string;
    severities: EscalationLevel["severities"];
    only_if_unacknowledged: boolean;
  }>("select * from escalation_policy order by after_seconds, level");
  return r.rows.map((x) => ({
    level: x.level,
    afterSeconds: x.after_seconds,
    target: x.target,
    contact: x.contact,
    severities: x.severities,
    onlyIfUnacknowledged: x.only_if_unacknowledged,
  }));
}

/** Creates the incident's pages from the policy, due from its declaration; `skipLevels` were paged already (by its alert group). */
export async function schedulePages(tx: Queryable, incident: Incident, skipLevels: number[] = []): Promise<void> {
  for (const l of await readPolicy(tx)) {
    if (l.severities && !l.severities.includes(incident.severity)) continue;
    if (skipLevels.includes(l.level)) continue;
    await tx.query(
      `insert into incident_pages (incident_id, level, target, contact, due_at, only_if_unacknowledged)
       values ($1, $2, $3, $4, $5::timestamptz + make_interval(secs => $6), $7)`,
      [incident.id, l.level, l.target, l.contact, incident.declaredAt, l.afterSeconds, l.onlyIfUnacknowledged],
    );
  }
}

/** Drill pages take levels from here on, one per participant: the chain's levels stop at 99 (policyInput). */
export const DRILL_PAGE_LEVEL = 100;

/**
 * A drill's incident pages its participants only, each at once and by name, never the escalation chain nor the team
 * webhook (server/notify/pager.ts): the page row names its recipient from the start.
 */
export async function scheduleParticipantPages(
  tx: Queryable,
  incident: Incident,
  participants: { id: string; name: string }[],
): Promise<void> {
  for (const [i, p] of participants.entries()) {
    await tx.query(
      `insert into incident_pages (incident_id, level, target, due_at, recipient_id) values ($1, $2, $3, $4, $5)`,
      [incident.id, DRILL_PAGE_LEVEL + i, `Drill participant ${p.name}`, incident.declaredAt, p.id],
    );
  }
}

export const policyInput = z.object({
  levels: z
    .array(
      z.object({
        level: z.number().int().min(0).max(99),
        afterSeconds: z
          .number()
          .int()
          .min(0)
          .max(7 * 86_400),
        target: z.string().trim().min(1).max(120),
        contact: z.string().trim().max(200).default(""),
        severities: z.array(z.enum(severities)).min(1).nullable().default(null),
        onlyIfUnacknowledged: z.boolean().default(false),
      }),
    )
    .min(1, "Keep at least one level.")
    .max(20)
    .refine((ls) => new Set(ls.map((l) => l.level)).size === ls.length, "Each level needs its own number."),
});

/** Replaces the chain (admins only); incidents declared from now on use it. */
export async function updatePolicy(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "admin", { refusal: "Only admins can change the escalation chain." });
  const input = parseInput(policyInput, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.query("delete from escalation_policy");
    for (const l of input.levels) {
      await tx.query(
        "insert into escalation_policy (level, after_seconds, target, contact, severities, only_if_unacknowledged) values ($1, $2, $3, $4, $5, $6)",
        [l.level, l.afterSeconds, l.target, l.contact, l.severities, l.onlyIfUnacknowledged],
      );
    }
    await appendAudit(tx, {
      actor,
      action: "escalation.update",
      target: "escalation chain",
      detail: { levels: input.levels },
    });
  });
}

type DuePage = {
  id: number;
  incident_id: number | null;
  /** set on a drill's incident: its pages go to the participant each names, and nowhere else */
  drill_id: number | null;
  recipient_id: string | null;
  group_id: number | null;
  level: number;
  target: string;
  contact: string;
  due_at: Date;
};

const isDrill = (s: PageSubject) => s.kind === "incident" && s.incident.drillId !== null;

/** What a page is about: its incident, or its alert group with the group's consequences. */
async function subjectOf(db: Queryable, page: Pick<DuePage, "incident_id" | "group_id">): Promise<PageSubject> {
  if (page.incident_id !== null) return { kind: "incident", incident: await readIncident(db, page.incident_id) };
  const g = await db.query<{ id: number; title: string; severity: "critical" | "warning" }>(
    "select id, title, severity from alert_groups where id = $1",
    [page.group_id],
  );
  const alerts = await db.query<{ summary: string }>(
    "select summary from alerts where group_id = $1 order by started_at, id",
    [page.group_id],
  );
  return {
    kind: "group",
    group: { ...g.rows[0]!, id: Number(g.rows[0]!.id), consequences: alerts.rows.map((a) => a.summary) },
  };
}

/**
 * Sends every page that is due, each at most once: the row is claimed (marked sent) under a lock with skip
 * locked before the call goes out, so two consoles or a restart never page twice, and no transaction is held
 * open across the network call. A page that fell due while the console was down goes out at once. A page goes
 * to whoever is on call at its level when it is sent (server/oncall), by their contact methods.
 */
export async function sendDuePages(now = new Date()): Promise<number> {
  const db = await getDb();
  let sent = 0;
  for (;;) {
    const page = await db.transaction(async (tx) => {
      const r = await tx.query<DuePage>(
        `select p.id, p.incident_id, i.drill_id, p.recipient_id, p.group_id, p.level, p.target, p.contact, p.due_at
         from incident_pages p
         left join incidents i on i.id = p.incident_id
         left join alert_groups g on g.id = p.group_id and p.incident_id is null
         where p.sent_at is null and p.cancelled_at is null and p.due_at <= $1
           and (i.status <> 'resolved' and not (p.only_if_unacknowledged and i.acknowledged_at is not null)
             or g.id is not null and g.resolved_at is null and g.acknowledged_at is null)
         order by p.due_at limit 1 for update of p skip locked`,
        [now.toISOString()],
      );
      const claimed = r.rows[0];
      if (!claimed) return null;
      // A drill's page names its participant; any other goes to whoever is on call at its level now.
      const recipient =
        claimed.drill_id !== null
          ? claimed.recipient_id
            ? ((await readPeople(tx, [claimed.recipient_id])).get(claimed.recipient_id) ?? null)
            : null
          : await onCallPersonAt(tx, claimed.level, now);
      await tx.query("update incident_pages set sent_at = $2, delivery = 'sending', recipient_id = $3 where id = $1", [
        claimed.id,
        now.toISOString(),
        recipient?.id ?? null,
      ]);
      return { ...claimed, id: Number(claimed.id), recipient };
    });
    if (!page) break;
    const subject = await subjectOf(db, page);
    const msg = pageMessage(page.id, subject, page);
    const delivery = await sendPage(db, "trigger", msg, {
      ...page,
      recipientId: page.recipient?.id ?? null,
      teamWebhook: !isDrill(subject),
    });
    const lateMs = now.getTime() - page.due_at.getTime();
    await db.transaction(async (tx) => {
      await tx.query("update incident_pages set delivery = $2 where id = $1", [
        page.id,
        delivery.delivered ? `delivered: ${delivery.detail}` : `not delivered: ${delivery.detail}`,
      ]);
      if (page.incident_id === null) return;
      await addEvent(tx, page.incident_id, {
        actor: "Switchyard",
        kind: "escalation",
        message: `Paged ${page.target}${page.recipient ? `: ${page.recipient.name}` : ""}${page.contact ? ` (${page.contact})` : ""}${lateMs > 5000 ? ` (due ${Math.round(lateMs / 1000)} s earlier)` : ""}${delivery.delivered ? "" : `: not delivered, ${delivery.detail}`}`,
        data: { level: page.level, delivered: delivery.delivered, recipient: page.recipient?.email ?? null },
      });
    });
    sent++;
  }
  if (sent) {
    publish("incidents");
    publish("alerts");
  }
  return sent;
}

/**
 * Tells the recipients of sent pages that they were acknowledged or resolved, with each page's own dedup_key, so
 * PagerDuty stops notifying. Called after the change commits; never throws.
 */
export async function followUpPages(
  where: { incidentId: number } | { groupId: number },
  action: "acknowledge" | "resolve",
  note = "",
): Promise<void> {
  try {
    const db = await getDb();
    const r = await db.query<DuePage>(
      `select p.id, p.incident_id, i.drill_id, p.group_id, p.level, p.target, p.contact, p.due_at, p.recipient_id
       from incident_pages p left join incidents i on i.id = p.incident_id
       where p.sent_at is not null and ${"incidentId" in where ? "p.incident_id = $1" : "p.group_id = $1 and p.incident_id is null"}`,
      ["incidentId" in where ? where.incidentId : where.groupId],
    );
    for (const p of r.rows) {
      const subject = await subjectOf(db, p);
      const msg = pageMessage(Number(p.id), subject, p);
      if (note) msg.summary = `${msg.summary} (${note})`;
      const out = await sendPage(db, action, msg, {
        ...p,
        recipientId: p.recipient_id,
        teamWebhook: !isDrill(subject),
      });
      if (!out.delivered)
        log(`follow-up-${p.id}`, `[escalation] ${action} of page ${p.id} not delivered: ${out.detail}`);
    }
  } catch (err) {
    log("follow-up", `[escalation] ${action}: ${(err as Error).message}`);
  }
}

/** The leader's escalation clock: looks for due pages every second. */
export function startEscalationClock(mayAct: () => boolean): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || !mayAct()) return;
    running = true;
    sendDuePages()
      .catch((err) => log("send", `[escalation] ${(err as Error).message}`))
      .finally(() => (running = false));
  }, 1000);
  return () => clearInterval(timer);
}
