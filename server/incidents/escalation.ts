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
import { sendPage } from "@/server/notify/pager";
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

/** Creates the incident's pages from the policy, due from its declaration. */
export async function schedulePages(tx: Queryable, incident: Incident): Promise<void> {
  for (const l of await readPolicy(tx)) {
    if (l.severities && !l.severities.includes(incident.severity)) continue;
    await tx.query(
      `insert into incident_pages (incident_id, level, target, contact, due_at, only_if_unacknowledged)
       values ($1, $2, $3, $4, $5::timestamptz + make_interval(secs => $6), $7)`,
      [incident.id, l.level, l.target, l.contact, incident.declaredAt, l.afterSeconds, l.onlyIfUnacknowledged],
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

/**
 * Sends every page that is due, each at most once: the row is claimed (marked sent) under a lock with skip
 * locked before the call goes out, so two consoles or a restart never page twice, and no transaction is held
 * open across the network call. A page that fell due while the console was down goes out at once.
 */
export async function sendDuePages(now = new Date()): Promise<number> {
  const db = await getDb();
  let sent = 0;
  for (;;) {
    const page = await db.transaction(async (tx) => {
      const r = await tx.query<{
        id: number;
        incident_id: number;
        level: number;
        target: string;
        contact: string;
        due_at: Date;
      }>(
        `select p.id, p.incident_id, p.level, p.target, p.contact, p.due_at from incident_pages p join incidents i on i.id = p.incident_id
         where p.sent_at is null and p.cancelled_at is null and p.due_at <= $1 and i.status <> 'resolved'
           and not (p.only_if_unacknowledged and i.acknowledged_at is not null)
         order by p.due_at limit 1 for update of p skip locked`,
        [now.toISOString()],
      );
      const claimed = r.rows[0];
      if (claimed)
        await tx.query("update incident_pages set sent_at = $2, delivery = 'sending' where id = $1", [
          claimed.id,
          now.toISOString(),
        ]);
      return claimed ?? null;
    });
    if (!page) break;
    const incident = await readIncident(db, page.incident_id);
    const delivery = await sendPage(incident, page);
    const lateMs = now.getTime() - page.due_at.getTime();
    await db.transaction(async (tx) => {
      await tx.query("update incident_pages set delivery = $2 where id = $1", [
        page.id,
        delivery.delivered ? "delivered" : `not delivered: ${delivery.detail}`,
      ]);
      await addEvent(tx, page.incident_id, {
        actor: "Switchyard",
        kind: "escalation",
        message: `Paged ${page.target}${page.contact ? ` (${page.contact})` : ""}${lateMs > 5000 ? ` (due ${Math.round(lateMs / 1000)} s earlier)` : ""}${delivery.delivered ? "" : `: not delivered, ${delivery.detail}`}`,
        data: { level: page.level, delivered: delivery.delivered },
      });
    });
    sent++;
  }
  if (sent) publish("incidents");
  return sent;
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
