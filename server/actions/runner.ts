import "server-only";
import { actionCatalog } from "@/lib/actions/catalog";
import type { Check, OutputLine } from "@/lib/actions/run";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { resyncCollector } from "@/server/fleet/collector";
import { addEvent, checklistFor, readIncident, tickStep } from "@/server/incidents/incident-store";
import { readOutput, readRunRow } from "./action-store";
import { HostCommandError } from "./executors/host";
import { fleetContext } from "./fleet-context";
import type { RunContext } from "./module";
import { moduleFor } from "./registry";

/**
 * Runs one action that the service has marked running: its execution within its timeout, its output and
 * progress streamed to the store (and so to the page), then its verification, then the outcome in one
 * transaction with its audit row, the incident's timeline and, when verified, the checklist step it serves.
 * While it runs it beats a heartbeat; a run whose heartbeat stops (the console died) is marked interrupted by
 * the sweeper and never run again by itself.
 */

const HEARTBEAT_MS = 2_000;
/** A running run whose heartbeat is older than this belongs to a console that stopped. */
export const STALE_SECONDS = 10;

class OutputWriter {
  private seq = 0;
  private queue: Omit<OutputLine, "seq" | "at">[] = [];
  private writing: Promise<void> | null = null;
  private publishTimer: NodeJS.Timeout | null = null;

  constructor(private readonly runId: number) {}

  push(text: string, stream: OutputLine["stream"]) {
    for (const line of text.split("\n")) if (line.length) this.queue.push({ stream, text: line.slice(0, 4000) });
    this.writing ??= this.drain();
  }

  private async drain() {
    const db = await getDb();
    while (this.queue.length) {
      const batch = this.queue.splice(0, 200);
      const params: unknown[] = [this.runId];
      const rows = batch.map((l) => {
        params.push(++this.seq, l.stream, l.text);
        return `($1, $${params.length - 2}, $${params.length - 1}, $${params.length})`;
      });
      await db.query(`insert into action_output (run_id, seq, stream, text) values ${rows.join(", ")}`, params).catch((err: Error) => console.error(`[actions] #${this.runId} output lost: ${err.message}`));
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

  async flush() {
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

export async function executeRun(id: number): Promise<void> {
  const db = await getDb();
  const row = await readRunRow(db, id);
  if (!row || row.status !== "running") return;
  const meta = actionCatalog[row.action_id];
  const mod = moduleFor(row.action_id);
  const output = new OutputWriter(id);
  const controller = new AbortController();
  const heartbeat = setInterval(() => void db.query("update action_runs set heartbeat_at = now() where id = $1 and status = 'running'", [id]).catch(() => undefined), HEARTBEAT_MS);
  let verification: { ok: boolean; checks: Check[] } | null = null;
  let error: string | null = null;
  const started = performance.now();
  let ctx: RunContext | null = null;
  try {
    const base = await fleetContext();
    ctx = {
      ...base,
      runId: id,
      signal: controller.signal,
      log: (text, stream = "info") => output.push(text, stream),
      progress: (percent, message) => {
        output.push(percent === null ? message : `[${Math.round(percent)} %] ${message}`, "info");
        void db.query("update action_runs set progress = $2 where id = $1", [id, JSON.stringify({ percent, message })]).catch(() => undefined);
      },
      control: async () => (await db.query<{ control: "pause" | "abort" | null }>("select control from action_runs where id = $1", [id])).rows[0]?.control ?? null,
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
  } finally {
    clearInterval(heartbeat);
  }
  await output.flush();
  await finish(id, error === null ? "succeeded" : "failed", verification, error);
  await resyncCollector().catch(() => undefined);
}

/** The action's verification against the fleet as it is now; logs its verdict. */
async function verifyNow(mod: ReturnType<typeof moduleFor>, params: unknown, ctx: RunContext, seen: unknown): Promise<{ ok: boolean; checks: Check[] }> {
  // Verification sees the fleet as the action left it.
  const after = { ...ctx, ...(await fleetContext()) };
  const checks = await mod.verify(params as never, after, seen as never);
  const ok = checks.every((c) => c.ok);
  ctx.log(`verification ${ok ? "passed" : "FAILED"}: ${summary(checks)}`);
  return { ok, checks };
}

async function finish(id: number, status: "succeeded" | "failed", verification: { ok: boolean; checks: Check[] } | null, error: string | null) {
  const db = await getDb();
  const tail = (await readOutput(db, id)).slice(-40).map((l) => `${l.stream === "stderr" ? "! " : ""}${l.text}`);
  const incident = await db.transaction(async (tx) => {
    const row = await readRunRow(tx, id, true);
    if (!row || row.status !== "running") return null; // the sweeper took it meanwhile
    // A success ends at 100 %; a failure keeps the progress it had reached, which says where it stopped.
    await tx.query(
      `update action_runs set status = $2, finished_at = now(), verification = $3, error = $4, control = null, version = version + 1,
         progress = case when $2 = 'succeeded' then '{"percent": 100, "message": "done"}'::jsonb else progress end
       where id = $1`,
      [id, status, verification ? JSON.stringify(verification) : null, error],
    );
    await appendAudit(tx, { actor: null, action: `action.${status}`, target: `${row.action_id}#${id}`, detail: { verification, error, output: tail } });
    if (!row.incident_id) return null;
    const evidence = verification ? summary(verification.checks) : (error ?? "");
    await addEvent(tx, row.incident_id, { actor: `Action #${id}`, kind: "action", message: `${row.action_id} ${status === "succeeded" ? "succeeded and verified" : "failed"}: ${status === "succeeded" ? evidence : error}`, data: { runId: id, event: status, verification } });
    const step = status === "succeeded" && row.step_key ? checklistFor(await readIncident(tx, row.incident_id)).find((s) => s.key === row.step_key) : null;
    if (step) await tickStep(tx, row.incident_id, step, `Action #${id}`, evidence.slice(0, 2000));
    return row.incident_id;
  });
  publish("actions");
  if (incident) publish("incidents");
}

/** Marks runs whose console stopped mid-action as interrupted, with what is known; they never run again by themselves. */
export async function sweepInterrupted(): Promise<number[]> {
  const db = await getDb();
  const stale = await db.query<{ id: number }>(`select id from action_runs where status = 'running' and heartbeat_at < now() - make_interval(secs => $1)`, [STALE_SECONDS]);
  const done: number[] = [];
  for (const { id } of stale.rows) {
    const marked = await db.transaction(async (tx) => {
      const row = await readRunRow(tx, id, true);
      if (!row || row.status !== "running" || !row.heartbeat_at || Date.now() - row.heartbeat_at.getTime() < STALE_SECONDS * 1000) return false;
      const last = (await readOutput(tx, id)).slice(-5).map((l) => l.text);
      const known = `The console running it stopped at ${row.heartbeat_at.toISOString()}${row.progress ? ` during "${row.progress.message}"` : ""}. Check ${row.target} before running anything again.`;
      await tx.query("update action_runs set status = 'interrupted', finished_at = now(), error = $2, version = version + 1 where id = $1", [id, known]);
      await appendAudit(tx, { actor: null, action: "action.interrupted", target: `${row.action_id}#${id}`, detail: { known, lastOutput: last } });
      if (row.incident_id) await addEvent(tx, row.incident_id, { actor: "Switchyard", kind: "action", message: `${row.action_id} (#${id}) was interrupted: ${known}`, data: { runId: id, event: "interrupted" } });
      return true;
    });
    if (marked) done.push(id);
  }
  if (done.length) publish("actions");
  return done;
}
