import "server-only";
import { actionCatalog } from "@/lib/actions/catalog";
import type { Check, OutputLine } from "@/lib/actions/run";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb } from "@/server/db";
import { isStoreTrouble } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { throttledLog } from "@/server/throttled-log";
import { resyncCollector } from "@/server/fleet/collector";
import { addEvent, checklistFor, readIncident, tickStep } from "@/server/incidents/incident-store";
import { readOutput, readRunRow, writeSelfPause } from "./action-store";
import { HostCommandError } from "./executors/host";
import { fleetContext, now } from "./fleet-context";
import type { RunContext } from "./module";
import { moduleFor } from "./registry";
import { pageAboutRun } from "./run-page";
import { sleep } from "./wait";

/**
 * Runs one action that the service has marked running: its execution within its timeout, its output and
 * progress streamed to the store (and so to the page), then its verification, then the outcome in one
 * transaction with its audit row, the incident's timeline and, when verified, the checklist step it serves.
 * While it runs it beats a heartbeat; a run whose heartbeat stops (the console died) is marked interrupted by
 * the sweeper and never run again by itself.
 *
 * The store may go away under a run (restarted, its disk full) and come back: the run goes on, its output waits in
 * memory and is written once the store answers, and its outcome is kept in memory and written then, retried for up
 * to OUTCOME_RETRY_MS. Meanwhile its heartbeat keeps being tried, so the run is never taken for a dead console's.
 */

const HEARTBEAT_MS = 2_000;
/** A running run whose heartbeat is older than this belongs to a console that stopped. */
export const STALE_SECONDS = 10;
/** How long a known outcome (and the output before it) is kept in memory while the store cannot take it. */
export const OUTCOME_RETRY_MS = 5 * 60_000;
/** Output lines kept in memory while the store is away; beyond this the oldest are dropped, and the output says so. */
const OUTPUT_BACKLOG = 10_000;

/** Retries of a write while the store is away: quick at first, then every second. */
const retryDelay = (attempt: number) => Math.min(1_000, 250 * 2 ** attempt);

/**
 * The runs this process is executing (the sweeper never calls them interrupted) and the ones whose outcome is kept
 * in memory until the store takes it; shared by every bundle of this module.
 */
const holder = globalThis as unknown as { __switchyardRuns?: { active: Set<number>; waiting: Map<number, string> } };
const runs = () => (holder.__switchyardRuns ??= { active: new Set(), waiting: new Map() });

const logRetry = throttledLog(10_000);

class OutputWriter {
  private seq = 0;
  private queue: (Omit<OutputLine, "at"> & { note?: true })[] = [];
  private dropped = 0;
  private writing: Promise<void> | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  /** once set (by flush), lines the store still cannot take by then are given up */
  private giveUpAt = Infinity;
  /** told each time a write waits for the store */
  onStoreAway: (err: Error) => void = () => undefined;

  constructor(private readonly runId: number) {}

  push(text: string, stream: OutputLine["stream"]) {
    for (const line of text.split("\n"))
      if (line.length) this.queue.push({ seq: ++this.seq, stream, text: line.slice(0, 4000) });
    if (this.queue.length > OUTPUT_BACKLOG) {
      // The oldest lines go; the last of their numbers carries a line that says how many.
      const gone = this.queue.splice(0, this.queue.length - OUTPUT_BACKLOG + 1);
      this.dropped += gone.filter((l) => !l.note).length;
      this.queue.unshift({
        seq: gone[gone.length - 1]!.seq,
        stream: "stderr",
        text: `${this.dropped} lines of output were dropped while the store could not be reached`,
        note: true,
      });
    }
    this.writing ??= this.drain();
  }

  /** Writes the queue in order; while the store is away, waits and tries again (each line has its number, so a retry never doubles one). */
  private async drain() {
    let attempt = 0;
    while (this.queue.length) {
      const batch = this.queue.slice(0, 200);
      const params: unknown[] = [this.runId];
      const rows = batch.map((l) => {
        params.push(l.seq, l.stream, l.text);
        return `($1, $${params.length - 2}, $${params.length - 1}, $${params.length})`;
      });
      try {
        const db = await getDb();
        await db.query(
          `insert into action_output (run_id, seq, stream, text) values ${rows.join(", ")} on conflict (run_id, seq) do nothing`,
          params,
        );
        attempt = 0;
      } catch (err) {
        if (isStoreTrouble(err) && Date.now() < this.giveUpAt) {
          logRetry(
            `output:${this.runId}`,
            `[actions] #${this.runId}: output kept in memory until the store takes it (${(err as Error).message})`,
          );
          this.onStoreAway(err);
          await sleep(retryDelay(attempt++));
          continue;
        }
        console.error(`[actions] #${this.runId} output lost (${batch.length} lines): ${(err as Error).message}`);
      }
      this.queue.splice(0, batch.length);
      this.schedulePublish();
    }
    this.writing = null;
  }

  private schedulePublish() {
    this.publishTimer ??= setTimeout(() => {
      this.publishTimer = null;
      publish("actions");
    }, 100);
  }

  /** Waits until every line is written, or until `giveUpAt` while the store cannot take them. */
  async flush(giveUpAt: number) {
    this.giveUpAt = giveUpAt;
    while (this.writing) await this.writing;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${Math.round(ms / 1000)} s`));
      reject(new Error(`timed out after ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const summary = (checks: Check[]) => checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.label}: ${c.observed}`).join("; ");

/** Tries `write` while the store is away (or full) until `giveUpAt`; anything else, or the deadline, throws. */
async function whileStoreAway<T>(
  giveUpAt: number,
  write: () => Promise<T>,
  onWait: (err: Error) => void = () => undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isStoreTrouble(err) || Date.now() + retryDelay(attempt) > giveUpAt) throw err;
      onWait(err);
      await sleep(retryDelay(attempt));
    }
  }
}

/** Runs one action the service marked running; never throws (what goes wrong is the run's outcome, or the log's). */
export async function executeRun(id: number): Promise<void> {
  const r = runs();
  r.active.add(id);
  try {
    await execute(id);
  } catch (err) {
    console.error(`[actions] #${id}: ${(err as Error).message}`);
  } finally {
    r.active.delete(id);
    r.waiting.delete(id);
  }
}

async function execute(id: number): Promise<void> {
  // Started a moment ago: a store that went away right then is waited for a little (the run has not begun yet).
  const row = await whileStoreAway(Date.now() + 30_000, async () => readRunRow(await getDb(), id));
  if (!row || row.status !== "running") return;
  const meta = actionCatalog[row.action_id];
  const mod = moduleFor(row.action_id);
  const output = new OutputWriter(id);
  const controller = new AbortController();
  const beat = () =>
    void getDb()
      .then((db) => db.query("update action_runs set heartbeat_at = now() where id = $1 and status = 'running'", [id]))
      .catch(() => undefined);
  // Beats until the outcome is written, not only while the action works: an outcome waiting for the store belongs to a live run.
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  let verification: { ok: boolean; checks: Check[] } | null = null;
  let error: string | null = null;
  const started = performance.now();
  let ctx: RunContext | null = null;
  // a plan's steps and the figures are written in order, the last before the outcome
  let runNotes = Promise.resolve();
  try {
    try {
      const base = await fleetContext();
      ctx = {
        ...base,
        runId: id,
        signal: controller.signal,
        log: (text, stream = "info") => output.push(text, stream),
        progress: (percent, message) => {
          output.push(percent === null ? message : `[${Math.round(percent)} %] ${message}`, "info");
          void getDb()
            .then((db) =>
              db.query("update action_runs set progress = $2 where id = $1", [
                id,
                JSON.stringify({ percent, message }),
              ]),
            )
            .catch(() => undefined);
        },
        stages: (list) => {
          const json = JSON.stringify(list);
          runNotes = runNotes
            .then(async () => {
              await (await getDb()).query("update action_runs set stages = $2 where id = $1", [id, json]);
              publish("actions");
            })
            .catch(() => undefined);
        },
        figure: (name, value) => {
          runNotes = runNotes
            .then(async () => {
              await (
                await getDb()
              ).query(
                "update action_runs set figures = figures || jsonb_build_object($2::text, $3::numeric) where id = $1",
                [id, name, value],
              );
            })
            .catch(() => undefined);
        },
        control: async () =>
          (
            await (
              await getDb()
            ).query<{ control: "pause" | "abort" | null }>("select control from action_runs where id = $1", [id])
          ).rows[0]?.control ?? null,
        pause: async (why) => {
          const db = await getDb();
          const paused = await db.transaction(async (tx) => {
            if (!(await writeSelfPause(tx, id))) return false;
            await appendAudit(tx, {
              actor: null,
              action: "action.pause",
              target: `${row.action_id}#${id}`,
              detail: { by: "the action itself", why },
            });
            return true;
          });
          if (paused) publish("actions");
        },
        page: (what) => pageAboutRun({ id, actionId: row.action_id, incidentId: row.incident_id }, what),
      };
      ctx.log(`${row.action_id} started`);
      const seen = await withTimeout(mod.execute(row.params as never, ctx), meta.timeoutMs, controller);
      ctx.log(`execution done in ${Math.round(performance.now() - started)} ms; verifying`);
      verification = await verifyNow(mod, row.params, ctx, seen);
      if (!verification.ok) error = `Verification failed: ${summary(verification.checks.filter((c) => !c.ok))}`;
    } catch (err) {
      error = (err as Error).message || String(err);
      output.push(`failed: ${error}`, "stderr");
      // Ended mid-command (a timeout, an abort, a lost ssh connection): nothing is assumed; the fleet's real state is read.
      if (ctx && (controller.signal.aborted || (err instanceof HostCommandError && err.outcomeUnknown))) {
        ctx.log("the outcome is unknown: verifying the real state");
        try {
          verification = await verifyNow(mod, row.params, ctx, undefined);
          error = `${error}. Verification of the real state ${verification.ok ? "passed" : "failed"}: ${summary(verification.checks)}`;
        } catch (e) {
          output.push(`verification could not run: ${(e as Error).message}`, "stderr");
        }
      }
    }
    const status = error === null ? "succeeded" : "failed";
    const giveUpAt = Date.now() + OUTCOME_RETRY_MS;
    const r = runs();
    // The outcome is known now: kept in memory, with the output before it, until the store takes both.
    const keep = (err: Error) => {
      if (!r.waiting.has(id))
        console.error(
          `[actions] #${id} ${status}; the store cannot take its outcome now (${err.message}): kept in memory, trying again until ${new Date(giveUpAt).toISOString()}`,
        );
      r.waiting.set(id, status);
    };
    output.onStoreAway = keep;
    await output.flush(giveUpAt);
    await runNotes;
    await recordOutcome(id, status, verification, error, giveUpAt, keep);
  } finally {
    clearInterval(heartbeat);
  }
  await resyncCollector().catch(() => undefined);
}

/**
 * Writes the outcome, and while the store cannot take it keeps it in memory and tries again until `giveUpAt`. A
 * COMMIT whose answer was lost is found written on the next try (the run is no longer running) and not written twice.
 */
async function recordOutcome(
  id: number,
  status: "succeeded" | "failed",
  verification: { ok: boolean; checks: Check[] } | null,
  error: string | null,
  giveUpAt: number,
  keep: (err: Error) => void,
) {
  const r = runs();
  try {
    await whileStoreAway(giveUpAt, () => finish(id, status, verification, error), keep);
    if (r.waiting.has(id))
      console.log(`[actions] #${id}: its outcome (${status}) is recorded now that the store answers again`);
  } catch (err) {
    console.error(
      `[actions] #${id} ${status}${error ? ` (${error})` : ""}, but its outcome could not be recorded: ${(err as Error).message}`,
    );
  }
}

/** The action's verification against the fleet as it is now; logs its verdict. */
async function verifyNow(
  mod: ReturnType<typeof moduleFor>,
  params: unknown,
  ctx: RunContext,
  seen: unknown,
): Promise<{ ok: boolean; checks: Check[] }> {
  // Verification sees the fleet as the action left it.
  const checks = await mod.verify(params as never, await now(ctx), seen as never);
  const ok = checks.every((c) => c.ok);
  ctx.log(`verification ${ok ? "passed" : "FAILED"}: ${summary(checks)}`);
  return { ok, checks };
}

async function finish(
  id: number,
  status: "succeeded" | "failed",
  verification: { ok: boolean; checks: Check[] } | null,
  error: string | null,
) {
  const db = await getDb();
  const tail = (await readOutput(db, id)).slice(-40).map((l) => `${l.stream === "stderr" ? "! " : ""}${l.text}`);
  const incident = await db.transaction(async (tx) => {
    const row = await readRunRow(tx, id, true);
    if (!row) return null;
    // Marked interrupted by a sweeper that took this console for dead while it could not reach the store: the run
    // went on here, and its real outcome is recorded after all, saying so.
    const late = row.status === "interrupted";
    if (row.status !== "running" && !late) return null; // written already: an earlier try whose answer was lost
    // A success ends at 100 %; a failure keeps the progress it had reached, which says where it stopped.
    await tx.query(
      `update action_runs set status = $2, finished_at = now(), verification = $3, error = $4, control = null, version = version + 1,
         progress = case when $2 = 'succeeded' then '{"percent": 100, "message": "done"}'::jsonb else progress end
       where id = $1`,
      [id, status, verification ? JSON.stringify(verification) : null, error],
    );
    await appendAudit(tx, {
      actor: null,
      action: `action.${status}`,
      target: `${row.action_id}#${id}`,
      detail: { verification, error, output: tail, ...(late ? { afterInterrupted: true } : {}) },
    });
    if (!row.incident_id) return null;
    const evidence = verification ? summary(verification.checks) : (error ?? "");
    const afterAll = late ? " (after it had been marked interrupted while its console could not reach the store)" : "";
    await addEvent(tx, row.incident_id, {
      actor: `Action #${id}`,
      kind: "action",
      message: `${row.action_id} ${status === "succeeded" ? "succeeded and verified" : "failed"}${afterAll}: ${status === "succeeded" ? evidence : error}`,
      data: { runId: id, event: status, verification },
    });
    if (status === "succeeded" && row.step_key) {
      // the step it was asked from, and the later steps a plan covers
      const checklist = checklistFor(await readIncident(tx, row.incident_id));
      const step = checklist.find((s) => s.key === row.step_key);
      const keys = new Set([row.step_key, ...(step?.covers ?? [])]);
      for (const s of checklist.filter((x) => keys.has(x.key)))
        await tickStep(tx, row.incident_id, s, `Action #${id}`, evidence.slice(0, 2000));
    }
    return row.incident_id;
  });
  publish("actions");
  if (incident) publish("incidents");
}

/**
 * Marks runs whose console stopped mid-action as interrupted, with what is known; they never run again by themselves.
 * A heartbeat missed while the store itself was down says nothing about the console: on PostgreSQL a run is stale
 * only once the store has been up, and its heartbeat silent, for STALE_SECONDS. Runs this process executes are never
 * stale to it.
 */
export async function sweepInterrupted(): Promise<number[]> {
  const db = await getDb();
  const silentSince = db.driver === "pg" ? "greatest(heartbeat_at, pg_postmaster_start_time())" : "heartbeat_at";
  const staleRule = `status = 'running' and ${silentSince} < now() - make_interval(secs => $1)`;
  const here = runs().active;
  const stale = await db.query<{ id: number }>(`select id from action_runs where ${staleRule}`, [STALE_SECONDS]);
  const done: number[] = [];
  for (const { id } of stale.rows) {
    if (here.has(id)) continue;
    const marked = await db.transaction(async (tx) => {
      const row = await readRunRow(tx, id, true);
      // Judged again under the row's lock: it may have beaten, or finished, meanwhile.
      if (
        !row ||
        (await tx.query(`select 1 from action_runs where id = $2 and ${staleRule}`, [STALE_SECONDS, id])).rowCount ===
          0 ||
        !row.heartbeat_at
      )
        return false;
      const last = (await readOutput(tx, id)).slice(-5).map((l) => l.text);
      const known = `The console running it stopped at ${row.heartbeat_at.toISOString()}${row.progress ? ` during "${row.progress.message}"` : ""}. Check ${row.target} before running anything again.`;
      await tx.query(
        "update action_runs set status = 'interrupted', finished_at = now(), error = $2, version = version + 1 where id = $1",
        [id, known],
      );
      await appendAudit(tx, {
        actor: null,
        action: "action.interrupted",
        target: `${row.action_id}#${id}`,
        detail: { known, lastOutput: last },
      });
      if (row.incident_id)
        await addEvent(tx, row.incident_id, {
          actor: "Switchyard",
          kind: "action",
          message: `${row.action_id} (#${id}) was interrupted: ${known}`,
          data: { runId: id, event: "interrupted" },
        });
      return true;
    });
    if (marked) done.push(id);
  }
  if (done.length) publish("actions");
  return done;
}
