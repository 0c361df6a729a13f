import "server-only";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import { MONITOR_MINUTES, type FailoverTestView } from "@/lib/failover-test";
import { failoverTestInput } from "@/lib/failover-test-schema";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { formatTimestamp } from "@/lib/format";
import { evaluateCheck } from "@/lib/live-checks";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { conflict, invalid, parseInput } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { getFleetConfig } from "@/server/fleet/config";
import { loadCurrentPrimary } from "@/server/fleet/topology";
import { insertWindow } from "@/server/maintenance/maintenance-store";
import { consoleUrl } from "@/server/notify/console-url";
import { postToIncidentChannel } from "@/server/notify/slack";
import {
  findRun,
  insertFailoverTest,
  lockFailoverTestSchedule,
  readFailoverTests,
  readOpenFailoverTests,
  readOverlappingTest,
  updateFailoverTest,
} from "./failover-test-store";

/**
 * The monthly failover test's policy. Leads and admins schedule it: a public maintenance window over the database and
 * the region APIs of every region (the switchover restarts them all), with the test's record. Everyone signed in reads
 * the records. The rest is the leading console's tick (tickFailoverTests, after each collector pass): the reminder in
 * the incident channel, then the record filled in from what happens — the switchover (a db.switchover to the
 * candidate requested in the window, from any page) and its write gap, 30 minutes of monitoring (a stability timer:
 * from the first healthy fleet after it, started over at each break), and the failback (db.failback or db.switchover back to the primary it started from).
 */

const refusal = { refusal: "Only incident leads and admins can schedule the failover test." };
const MAX_AHEAD_DAYS = 92;
const target = (id: number) => `failover test #${id}`;

/** The tests of the last 400 days and those to come, the latest first. */
export async function listFailoverTests(actor: User, at = new Date()): Promise<FailoverTestView[]> {
  requireRole(actor, "viewer", "Reading the failover tests");
  return readFailoverTests(await getDb(), new Date(at.getTime() - 400 * 86_400_000));
}

/** The replicas a test can promote now: every region but the recorded primary. */
export async function failoverTestCandidates(): Promise<{ primary: string; replicas: string[] }> {
  await loadCurrentPrimary();
  const regions = getFleetConfig().regions;
  const primary = regions.find((r) => r.role === "primary")?.id ?? "";
  return { primary, replicas: regions.filter((r) => r.id !== primary).map((r) => r.id) };
}

/**
 * Schedules a test (leads and admins): the candidate must be a replica now, the window must start in the future
 * (within three months) and overlap no other open test. The window and the record are written together.
 */
export async function scheduleFailoverTest(actor: User, raw: unknown, now = new Date()): Promise<{ id: number }> {
  requireRole(actor, "lead", refusal);
  const input = parseInput(failoverTestInput, raw);
  const { primary, replicas } = await failoverTestCandidates();
  if (!replicas.includes(input.candidate))
    throw invalid(
      input.candidate === primary
        ? `Replica to promote: ${input.candidate} is the primary; pick one of ${replicas.join(", ")}.`
        : `Replica to promote: ${input.candidate} is not a region of this fleet.`,
    );
  const start = Date.parse(input.startsAt);
  if (start <= now.getTime()) throw invalid("Starts: must be in the future.");
  if (start > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) throw invalid("Starts: must be within three months.");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockFailoverTestSchedule(tx);
    const other = await readOverlappingTest(tx, input.startsAt, input.endsAt);
    if (other) throw conflict(`Failover test #${other}'s window overlaps this one; cancel it or pick another time.`);
    const windowId = await insertWindow(
      tx,
      {
        title: "Monthly failover test",
        reason: `The runbook's monthly failover test: ${input.candidate} is promoted and every region API restarts against it, ${MONITOR_MINUTES} minutes of monitoring, then ${primary} takes over again. Writes pause for a few seconds at each switch.`,
        timeZone: input.timeZone,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        regions: [],
        components: ["database", "api"],
        public: true,
      },
      actor.id,
    );
    const id = await insertFailoverTest(tx, {
      windowId,
      primaryRegion: primary,
      candidate: input.candidate,
      remindMinutes: input.remindMinutes,
      by: actor.id,
    });
    await appendAudit(tx, {
      actor,
      action: "failover-test.schedule",
      target: target(id),
      detail: {
        id,
        maintenanceWindowId: windowId,
        primary,
        candidate: input.candidate,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        remindMinutes: input.remindMinutes,
      },
    });
    return { id };
  });
}

const at = (d: Date | string) => formatTimestamp(typeof d === "string" ? d : d.toISOString(), "UTC");

function reminderText(t: FailoverTestView, now: Date): string {
  const minutes = Math.max(0, Math.round((Date.parse(t.startsAt) - now.getTime()) / 60_000));
  return [
    `🔧 Monthly failover test ${minutes ? `in ${minutes} min` : "now"}: ${at(t.startsAt)} to ${at(t.endsAt)}.`,
    `${t.candidate} is promoted (db.switchover) and every region API restarts against it; ${MONITOR_MINUTES} minutes of monitoring; then fail back to ${t.primaryRegion}.`,
    `${consoleUrl()}/maintenance#failover-test-${t.id}`,
  ].join("\n");
}

async function audit(tx: Queryable, t: FailoverTestView, action: string, detail: Record<string, unknown>) {
  await appendAudit(tx, { actor: null, action: `failover-test.${action}`, target: target(t.id), detail });
}

/**
 * Moves each open test's record on (the leading console, after a collector pass; `now` for tests): the reminder once
 * it is due, the switchover when it has succeeded, the monitoring's start, break or end, the failback. Returns how
 * many records changed.
 */
export async function tickFailoverTests(
  snapshot: FleetSnapshot,
  settings: RuleSettingsMap,
  now = new Date(),
): Promise<number> {
  const db = await getDb();
  let changed = 0;
  for (const t of await readOpenFailoverTests(db)) {
    const did = await tickOne(db, t, snapshot, settings, now);
    if (did) changed++;
  }
  if (changed) publish("incidents");
  return changed;
}

async function tickOne(
  db: Awaited<ReturnType<typeof getDb>>,
  t: FailoverTestView,
  snapshot: FleetSnapshot,
  settings: RuleSettingsMap,
  now: Date,
): Promise<boolean> {
  const start = Date.parse(t.startsAt);
  const end = Date.parse(t.endsAt);
  if (!t.remindedAt && !t.cancelledAt && now.getTime() >= start - t.remindMinutes * 60_000 && now.getTime() < end) {
    const sent = await postToIncidentChannel(reminderText(t, now));
    const note = sent.delivered ? "posted to the incident channel" : `not delivered: ${sent.detail}`;
    await db.transaction(async (tx) => {
      await updateFailoverTest(tx, t.id, { reminded_at: now, reminder_note: note });
      await audit(tx, t, "remind", { delivered: sent.delivered, detail: sent.detail });
    });
    return true;
  }

  if (!t.switchover) {
    // The switchover counts when requested from the reminder on, until the window ends.
    const from = new Date(start - t.remindMinutes * 60_000);
    if (now < from) return false;
    const run = await findRun(db, {
      statuses: ["succeeded"],
      actionIds: ["db.switchover"],
      param: "candidate",
      value: t.candidate,
      from,
      to: new Date(end),
    });
    if (!run) return false;
    await db.transaction(async (tx) => {
      await updateFailoverTest(tx, t.id, { switchover_run_id: run.id });
      await audit(tx, t, "switchover", { run: run.id, writeGapMs: run.figures.writeGapMs ?? null });
    });
    return true;
  }

  const switchedAt = new Date(t.switchover.finishedAt ?? t.startsAt);
  if (!t.failback) {
    // a failback running (its own restarts are no break of the monitoring) or done
    const back = { value: t.primaryRegion, from: switchedAt, to: null, statuses: ["running", "succeeded"] };
    const run =
      (await findRun(db, { ...back, actionIds: ["db.failback"], param: "region" })) ??
      (await findRun(db, { ...back, actionIds: ["db.switchover"], param: "candidate" }));
    if (run?.status === "running") return false;
    const finishedAt = run?.finishedAt;
    if (run && finishedAt) {
      const cut = !t.monitor.result;
      const since = t.monitor.startedAt ? Date.parse(t.monitor.startedAt) : null;
      const minutes = since === null ? 0 : Math.max(0, Math.floor((finishedAt.getTime() - since) / 60_000));
      await db.transaction(async (tx) => {
        await updateFailoverTest(tx, t.id, {
          failback_run_id: run.id,
          finished_at: finishedAt,
          ...(cut
            ? {
                monitor_result: "cut-short" as const,
                monitor_note: `Failed back after ${minutes} of ${MONITOR_MINUTES} min healthy`,
              }
            : {}),
        });
        await audit(tx, t, "failback", { run: run.id, monitorCutShort: cut });
      });
      return true;
    }
  }

  if (t.monitor.result) return false;
  const fleet = evaluateCheck("fleet-healthy", snapshot, settings);
  if (!t.monitor.startedAt) {
    if (!fleet.holds) return false;
    await db.transaction((tx) => updateFailoverTest(tx, t.id, { monitor_started_at: now }));
    return true;
  }
  const since = Date.parse(t.monitor.startedAt);
  if (!fleet.holds) {
    // a stability timer: a break starts the 30 minutes over, at the next healthy pass
    const after = Math.floor((now.getTime() - since) / 60_000);
    const note = `${fleet.observed} after ${after} min healthy (${at(now)})`;
    await db.transaction(async (tx) => {
      await updateFailoverTest(tx, t.id, {
        monitor_started_at: null,
        monitor_breaks: t.monitor.breaks + 1,
        monitor_note: note,
      });
      await audit(tx, t, "monitor", { result: "broke", note, startsOver: true });
    });
    return true;
  }
  if (now.getTime() - since < MONITOR_MINUTES * 60_000) return false;
  await db.transaction(async (tx) => {
    await updateFailoverTest(tx, t.id, {
      monitor_result: "held",
      monitor_note: `${fleet.observed} for ${MONITOR_MINUTES} min without a break`,
    });
    await audit(tx, t, "monitor", { result: "held" });
  });
  return true;
}
