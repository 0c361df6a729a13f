import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { actionParams } from "@/lib/actions/action-params";
import { actionCatalog, isActionId, targetOf, type ActionId } from "@/lib/actions/catalog";
import {
  runStatuses,
  uncoveredChecks,
  waitingFor,
  type ActionRun,
  type ActionRunDetail,
  type Check,
} from "@/lib/actions/run";
import { incidentRef } from "@/lib/ids";
import type { Caller } from "@/server/auth/caller";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { appendAudit, canonical } from "@/server/audit/append-audit";
import { getDb, type Queryable } from "@/server/db";
import { env } from "@/server/env";
import { conflict, forbidden, invalid, notFound, parseInput, ServiceError } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { addEvent, checklistFor, readIncident } from "@/server/incidents/incident-store";
import { fleetContext } from "./fleet-context";
import type { FleetContext } from "./module";
import { moduleFor } from "./registry";
import {
  findRunByIdempotencyKey,
  holderOf,
  insertRun,
  markRunCancelled,
  markRunExpired,
  markRunRejected,
  markRunStarted,
  readOverdueRunIds,
  readRunDetail,
  readRunRow,
  readRuns,
  toRun,
  writeControl,
  writeOverride,
  writePreflight,
  writeRecheck,
  type RunFilter,
  type RunRow,
} from "./action-store";
import { executeRun } from "./runner";

/**
 * Requesting, approving, rejecting, overriding and controlling runbook actions. Every function checks the
 * caller's role first, validates its input with zod, and changes the store in one transaction with its audit
 * row (and the incident's timeline row), so a refused or failed request writes nothing.
 */

const preconditionFailed = (msg: string) => new ServiceError("precondition_failed", msg);

/** This console, as the runner of the runs it starts. */
const runnerId = randomUUID();

/** An approval is bound to this: the action and its parameters, canonically. */
export function paramsHash(actionId: ActionId, params: unknown): string {
  return createHash("sha256")
    .update(canonical([actionId, params]))
    .digest("hex");
}

export const actionInput = z.object({ actionId: z.string().refine(isActionId, "unknown action"), params: z.unknown() });

export const requestInput = actionInput.extend({
  incidentId: z.number().int().positive().nullable().default(null),
  stepKey: z.string().max(200).nullable().default(null),
  /** one per form: a double click or a retried request finds the run it already made */
  idempotencyKey: z.string().min(8).max(100),
});

export const reasonInput = z.object({
  reason: z.string().trim().min(5, "give a reason of at least 5 characters").max(2000),
});
/** An override: its reason, and the value a dangerous failing check asks to be typed (a region id). */
export const overrideInput = reasonInput.extend({ confirm: z.string().trim().max(100).optional() });
export const approveInput = z.object({
  paramsHash: z.string().regex(/^[0-9a-f]{64}$/, "is not the hash of a request"),
});
export const controlInput = z.object({ control: z.enum(["pause", "resume", "abort"]) });

/** The action's parameters by its schema, then by what the fleet says of them (the region exists, is a replica). */
function parseParams(actionId: ActionId, raw: unknown, ctx: FleetContext): Record<string, unknown> {
  const schema = actionParams[actionId] as z.ZodType<Record<string, unknown>>;
  const params = parseInput(schema, raw);
  const problem = moduleFor(actionId).validate?.(params as never, ctx);
  if (problem) throw invalid(`${actionId}: ${problem}`);
  return params;
}

const mayRequest = (actor: User, actionId: ActionId) =>
  requireRole(actor, actionCatalog[actionId].role, `Requesting ${actionId}`);

export interface Preview {
  actionId: ActionId;
  params: Record<string, unknown>;
  paramsHash: string;
  risk: "low" | "high";
  preflight: Check[];
  plan: string[];
  proposal: { actionId: ActionId; why: string } | null;
  holder: ActionRun | null;
}

/** The live pre-flight and the dry-run plan, before anything is written: what the request form shows. */
export async function previewAction(actor: User, raw: unknown): Promise<Preview> {
  const input = parseInput(actionInput, raw);
  const actionId = input.actionId as ActionId;
  mayRequest(actor, actionId);
  const ctx = await fleetContext();
  const params = parseParams(actionId, input.params, ctx);
  const mod = moduleFor(actionId);
  const preflight = await mod.preflight(params as never, ctx);
  const db = await getDb();
  return {
    actionId,
    params,
    paramsHash: paramsHash(actionId, params),
    risk: actionCatalog[actionId].risk,
    preflight,
    plan: mod.plan(params as never, ctx),
    proposal: mod.propose?.(preflight) ?? null,
    holder: await holderOf(db, targetOf(actionId, params)),
  };
}

async function incidentLink(tx: Queryable, actionId: ActionId, incidentId: number | null, stepKey: string | null) {
  if (incidentId === null) {
    if (stepKey) throw invalid("A step needs its incident.");
    return;
  }
  const incident = await readIncident(tx, incidentId);
  if (incident.status === "resolved") throw invalid(`${incidentRef(incidentId)} is resolved; reopen it to act for it.`);
  if (stepKey) {
    const step = checklistFor(incident).find((s) => s.key === stepKey);
    if (!step) throw invalid(`${incidentRef(incidentId)} has no step ${stepKey}.`);
    if (step.action !== actionId)
      throw invalid(`Step "${step.title}" runs ${step.action ?? "no action"}, not ${actionId}.`);
  }
}

const describe = (actionId: ActionId, params: Record<string, unknown>) =>
  `${actionId} ${Object.entries(params)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(" ")}`;

/** Records a request with its live pre-flight and plan; a low-risk one whose pre-flight passes starts at once. */
export async function requestAction(actor: User, raw: z.input<typeof requestInput>): Promise<ActionRun> {
  const input = parseInput(requestInput, raw);
  const actionId = input.actionId as ActionId;
  mayRequest(actor, actionId);
  const meta = actionCatalog[actionId];
  const db = await getDb();
  const ctx = await fleetContext();
  const params = parseParams(actionId, input.params, ctx);
  const hash = paramsHash(actionId, params);
  const existing = await findRunByIdempotencyKey(db, input.idempotencyKey);
  if (existing) return sameRequest(existing, actor, hash);
  const mod = moduleFor(actionId);
  const preflight = await mod.preflight(params as never, ctx);
  const plan = mod.plan(params as never, ctx);
  let run: ActionRun;
  try {
    run = await db.transaction(async (tx) => {
      await incidentLink(tx, actionId, input.incidentId, input.stepKey);
      const id = await insertRun(tx, {
        actionId,
        params,
        paramsHash: hash,
        target: targetOf(actionId, params),
        risk: meta.risk,
        idempotencyKey: input.idempotencyKey,
        requestedBy: actor.id,
        approvalMinutes: env.ACTION_APPROVAL_MINUTES,
        incidentId: input.incidentId,
        stepKey: input.stepKey,
        preflight,
        plan,
      });
      const failing = preflight.filter((c) => !c.ok);
      await appendAudit(tx, {
        actor,
        action: "action.request",
        target: `${actionId}#${id}`,
        detail: {
          params,
          paramsHash: hash,
          risk: meta.risk,
          incidentId: input.incidentId,
          stepKey: input.stepKey,
          preflight,
        },
      });
      if (input.incidentId) {
        await addEvent(tx, input.incidentId, {
          actor: actor.name,
          kind: "action",
          message: `Requested ${describe(actionId, params)} (#${id})${failing.length ? `; pre-flight failed: ${failing.map((c) => c.label).join("; ")}` : ""}`,
          data: { runId: id, actionId, event: "requested" },
        });
      }
      return toRun((await readRunRow(tx, id))!);
    });
  } catch (err) {
    // Two submits of one form at the same moment: the second finds the first.
    if ((err as { code?: string }).code === "23505") {
      const first = await findRunByIdempotencyKey(db, input.idempotencyKey);
      if (first) return sameRequest(first, actor, hash);
    }
    throw err;
  }
  publish("actions");
  if (input.incidentId) publish("incidents");
  if (waitingFor(run) === null) return startRun(run.id, null);
  return run;
}

async function sameRequest(
  row: { id: number; requested_by: string; params_hash: string },
  actor: User,
  hash: string,
): Promise<ActionRun> {
  if (row.requested_by !== actor.id || row.params_hash !== hash)
    throw conflict("This form was already used for another request; reload it.");
  return toRun((await readRunRow(await getDb(), row.id))!);
}

/**
 * Marks a run running (the lock: one running run per target), with the pre-flight it passed, and hands it to the
 * runner. `checked` is the re-check it passed and the override that re-check was judged against (its time, or
 * null for none): if the override changed meanwhile, the verdict no longer holds and nothing starts.
 */
async function startRun(
  id: number,
  approver: User | null,
  expectHash?: string,
  checked?: { preflight: Check[]; overrideAt: Date | null },
): Promise<ActionRun> {
  const db = await getDb();
  let run: ActionRun;
  let started = false;
  try {
    run = await db.transaction(async (tx) => {
      const row = await readRunRow(tx, id, true);
      if (!row) throw notFound(`There is no action #${id}.`);
      if (row.status !== "pending") {
        if (approver && row.decided_by === approver.id && row.status !== "rejected") return toRun(row); // a retried approval runs nothing
        throw conflict(
          `Action #${id} is already ${row.status}${row.dc_name ? ` (${row.status === "rejected" ? "rejected" : "approved"} by ${row.dc_name})` : ""}.`,
        );
      }
      if (expectHash && row.params_hash !== expectHash)
        throw conflict("The parameters you approved are not the ones requested; reload and look again.");
      if (checked && row.override_at?.getTime() !== checked.overrideAt?.getTime())
        throw conflict(`The override of action #${id} changed while its pre-flight ran again; look again.`);
      if (!(await markRunStarted(tx, id, runnerId, approver?.id ?? null)))
        throw conflict(`Action #${id} expired at ${row.expires_at.toISOString()}; request it again.`);
      if (checked) await writePreflight(tx, id, checked.preflight);
      if (approver)
        await appendAudit(tx, {
          actor: approver,
          action: "action.approve",
          target: `${row.action_id}#${id}`,
          detail: { paramsHash: row.params_hash, params: row.params },
        });
      await appendAudit(tx, {
        actor: approver ?? { id: row.requested_by, email: row.rq_email },
        action: "action.start",
        target: `${row.action_id}#${id}`,
        detail: { target: row.target },
      });
      if (row.incident_id) {
        await addEvent(tx, row.incident_id, {
          actor: approver?.name ?? row.rq_name,
          kind: "action",
          message: `${approver ? `Approved and started` : "Started"} ${describe(row.action_id, row.params)} (#${id})`,
          data: { runId: id, actionId: row.action_id, event: "started" },
        });
      }
      started = true;
      return toRun((await readRunRow(tx, id))!);
    });
  } catch (err) {
    if ((err as { code?: string }).code === "23505") {
      const row = await readRunRow(db, id);
      const holder = row ? await holderOf(db, row.target) : null;
      throw conflict(
        holder
          ? `${holder.actionId} #${holder.id} (requested by ${holder.requestedBy.name}) holds ${holder.target}; wait for it to finish.`
          : "Another action holds this target.",
      );
    }
    throw err;
  }
  publish("actions");
  if (run.incidentId) publish("incidents");
  // Only the call that moved it to running runs it: exactly once.
  if (started) void executeRun(run.id);
  return run;
}

/** A second person (lead or admin, not the requester) approves exactly the parameters they saw; the pre-flight runs again first. */
export async function approveAction(actor: User, id: number, raw: z.input<typeof approveInput>): Promise<ActionRun> {
  requireRole(actor, "lead", "Approving an action");
  const input = parseInput(approveInput, raw);
  const db = await getDb();
  const row = await readRunRow(db, id);
  if (!row) throw notFound(`There is no action #${id}.`);
  if (row.requested_by === actor.id) throw forbidden("You cannot approve your own request: a second person must.");
  if (row.status !== "pending") {
    if (row.decided_by === actor.id && row.status !== "rejected") return toRun(row);
    throw conflict(`Action #${id} is already ${row.status}${row.dc_name ? ` (by ${row.dc_name})` : ""}.`);
  }
  if (row.params_hash !== input.paramsHash)
    throw conflict("The parameters you approved are not the ones requested; reload and look again.");
  if (row.expires_at.getTime() <= Date.now()) {
    await expire(id);
    throw conflict(`Action #${id} expired at ${row.expires_at.toISOString()}; request it again.`);
  }
  return startRun(id, actor, input.paramsHash, await recheckBeforeStart(actor, row));
}

const listChecks = (checks: Check[]) => checks.map((c) => `${c.label} (${c.observed})`).join("; ");

/** What changed of one uncovered check, against the failing checks it was judged against. */
function describeChange(c: Check, before: Check[]): string {
  const was = before.find((x) => x.id === c.id && !x.ok);
  if (was)
    return `"${c.label}" [${c.id}] now asks to type ${c.confirm ?? "nothing"}, not ${was.confirm ?? "nothing"} as before (${c.observed})`;
  return `"${c.label}" [${c.id}] now fails (${c.observed})`;
}

/**
 * Right before a run starts: its pre-flight again, live, judged against what covers it — the failing checks the
 * override's author saw (see uncoveredChecks for what "differs" means), or nothing without an override. Returns
 * the live checks to start with when nothing uncovered fails. Otherwise nothing starts and the caller gets a
 * precondition-failed error; when the failures differ from what the run records (its override, or without one
 * its stored pre-flight), the run records the live pre-flight and the re-check, its override is cleared (it
 * covered something else: a new one is needed), with an audit row and the incident's timeline, in one
 * transaction. The run stays pending, so the page offers the override form again.
 */
async function recheckBeforeStart(actor: User, row: RunRow): Promise<{ preflight: Check[]; overrideAt: Date | null }> {
  const id = row.id;
  const override = toRun(row).override;
  // With an override: what it covers. Without one, the stored pre-flight: what the page shows as failing must be
  // what fails now, since that is what a lead overrides; when it is, the refusal changes nothing.
  const before = override?.covers ?? row.preflight;
  const live = async () => moduleFor(row.action_id).preflight(row.params as never, await fleetContext());
  let preflight = await live();
  let changed = uncoveredChecks(before, preflight);
  // A second look before voiding anything: some checks flicker while the fleet is live (two replicas' received
  // positions read a heartbeat apart fail "most-advanced" for an instant); a change is what holds on a second look.
  if (changed.length) {
    preflight = await live();
    changed = uncoveredChecks(before, preflight);
  }
  const checked = { preflight, overrideAt: row.override_at };
  const failing = preflight.filter((c) => !c.ok);
  if (!failing.length || (override && !changed.length)) return checked;
  if (!changed.length)
    throw preconditionFailed(`Pre-flight failed: ${listChecks(failing)}. A lead can override it with a reason.`);

  const what = changed.map((c) => describeChange(c, before)).join("; ");
  const then = row.risk === "high" ? ", then a lead other than the requester must approve it" : "";
  const message = override
    ? `The pre-flight changed since ${override.by.name}'s override, which covered only ${before.map((c) => `"${c.label}" [${c.id}]`).join(", ") || "nothing"}: ${what}. The override no longer covers it and was cleared; nothing ran. A new override is needed${then}.`
    : `Pre-flight failed: ${listChecks(failing)}. Since it was last checked: ${what}. A lead can override it with a reason.`;
  const db = await getDb();
  const incidentId = await db.transaction(async (tx) => {
    const now = await readRunRow(tx, id, true);
    if (!now) throw notFound(`There is no action #${id}.`);
    if (now.status !== "pending") throw conflict(`Action #${id} is already ${now.status}.`);
    if (now.override_at?.getTime() !== row.override_at?.getTime())
      throw conflict(`The override of action #${id} changed while its pre-flight ran again; look again.`);
    await writeRecheck(tx, id, checked.preflight, { at: new Date().toISOString(), changed, lapsed: override });
    await appendAudit(tx, {
      actor,
      action: "action.preflight-changed",
      target: `${row.action_id}#${id}`,
      detail: {
        changed,
        preflight: checked.preflight,
        clearedOverride: override
          ? { by: override.by.email, reason: override.reason, at: override.at, covered: override.covers }
          : null,
      },
    });
    if (row.incident_id) {
      await addEvent(tx, row.incident_id, {
        actor: actor.name,
        kind: "action",
        message: `Pre-flight of ${row.action_id} (#${id}) changed before it started: ${changed.map((c) => c.label).join("; ")}. ${override ? `${override.by.name}'s override no longer covers it and was cleared: a new override is needed` : "A lead must override it"}; nothing ran.`,
        data: { runId: id, actionId: row.action_id, event: "preflight-changed", changed: changed.map((c) => c.id) },
      });
    }
    return row.incident_id;
  });
  publish("actions");
  if (incidentId) publish("incidents");
  throw preconditionFailed(message);
}

/** A lead or admin turns a request down, with a reason. */
export async function rejectAction(actor: User, id: number, raw: z.input<typeof reasonInput>): Promise<ActionRun> {
  requireRole(actor, "lead", "Rejecting an action");
  const input = parseInput(reasonInput, raw);
  return decide(id, async (tx, row) => {
    await markRunRejected(tx, id, actor.id, input.reason);
    await appendAudit(tx, {
      actor,
      action: "action.reject",
      target: `${row.action_id}#${id}`,
      detail: { reason: input.reason },
    });
    if (row.incident_id)
      await addEvent(tx, row.incident_id, {
        actor: actor.name,
        kind: "action",
        message: `Rejected ${row.action_id} (#${id}): ${input.reason}`,
        data: { runId: id, event: "rejected" },
      });
  });
}

/** The requester (or a lead) withdraws a request that has not started. */
export async function cancelAction(actor: User, id: number): Promise<ActionRun> {
  return decide(id, async (tx, row) => {
    if (row.requested_by !== actor.id)
      requireRole(actor, "lead", { refusal: "Only the requester or a lead can cancel a request." });
    await markRunCancelled(tx, id);
    await appendAudit(tx, { actor, action: "action.cancel", target: `${row.action_id}#${id}` });
    if (row.incident_id)
      await addEvent(tx, row.incident_id, {
        actor: actor.name,
        kind: "action",
        message: `Cancelled ${row.action_id} (#${id})`,
        data: { runId: id, event: "cancelled" },
      });
  });
}

async function decide(
  id: number,
  work: (tx: Queryable, row: NonNullable<Awaited<ReturnType<typeof readRunRow>>>) => Promise<void>,
): Promise<ActionRun> {
  const db = await getDb();
  const run = await db.transaction(async (tx) => {
    const row = await readRunRow(tx, id, true);
    if (!row) throw notFound(`There is no action #${id}.`);
    if (row.status !== "pending") throw conflict(`Action #${id} is already ${row.status}.`);
    await work(tx, row);
    return toRun((await readRunRow(tx, id))!);
  });
  publish("actions");
  if (run.incidentId) publish("incidents");
  return run;
}

/**
 * A lead overrides a failing pre-flight with a written reason, which is recorded with the failing checks the lead
 * saw: the override covers those, and only those (see recheckBeforeStart). A low-risk action then starts, after
 * its pre-flight ran again; a high-risk one still needs its approval (by someone other than the requester).
 */
export async function overridePreflight(
  actor: User,
  id: number,
  raw: z.input<typeof overrideInput>,
): Promise<ActionRun> {
  requireRole(actor, "lead", "Overriding a pre-flight");
  const input = parseInput(overrideInput, raw);
  const run = await decide(id, async (tx, row) => {
    if (!row.preflight.some((c) => !c.ok)) throw conflict("The pre-flight passed; there is nothing to override.");
    if (row.override_reason) throw conflict(`Already overridden by ${row.ov_name}.`);
    const failing = row.preflight.filter((c) => !c.ok);
    // A check that may split the brain passes only when the lead types what it names (the old primary's id).
    const unconfirmed = failing.find((c) => c.confirm !== undefined && c.confirm !== input.confirm);
    if (unconfirmed)
      throw invalid(
        `confirm: type ${unconfirmed.confirm} to override "${unconfirmed.label}"; writes the old primary takes from then on will be lost.`,
      );
    await writeOverride(tx, id, actor.id, input.reason, failing);
    await appendAudit(tx, {
      actor,
      action: "action.override",
      target: `${row.action_id}#${id}`,
      detail: { reason: input.reason, ...(input.confirm ? { confirmed: input.confirm } : {}), failing },
    });
    if (row.incident_id)
      await addEvent(tx, row.incident_id, {
        actor: actor.name,
        kind: "action",
        message: `Overrode the pre-flight of ${row.action_id} (#${id}): ${input.reason}`,
        data: { runId: id, event: "override" },
      });
  });
  if (run.risk === "high") return run;
  const row = await readRunRow(await getDb(), id);
  if (!row) throw notFound(`There is no action #${id}.`);
  return startRun(id, null, undefined, await recheckBeforeStart(actor, row));
}

/** Pause, resume or abort a controllable action while it runs (the requester or a lead). */
export async function controlAction(actor: User, id: number, raw: z.input<typeof controlInput>): Promise<ActionRun> {
  requireRole(actor, "engineer", "Controlling an action");
  const input = parseInput(controlInput, raw);
  const db = await getDb();
  const run = await db.transaction(async (tx) => {
    const row = await readRunRow(tx, id, true);
    if (!row) throw notFound(`There is no action #${id}.`);
    if (row.requested_by !== actor.id)
      requireRole(actor, "lead", { refusal: "Only the requester or a lead can pause or abort it." });
    if (!actionCatalog[row.action_id].controllable) throw invalid(`${row.action_id} cannot be paused or aborted.`);
    if (row.status !== "running") throw conflict(`Action #${id} is ${row.status}, not running.`);
    await writeControl(tx, id, input.control === "resume" ? null : input.control);
    await appendAudit(tx, { actor, action: `action.${input.control}`, target: `${row.action_id}#${id}` });
    return toRun((await readRunRow(tx, id))!);
  });
  publish("actions");
  return run;
}

async function expire(id: number) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const row = await readRunRow(tx, id, true);
    if (!row || row.status !== "pending") return;
    await markRunExpired(tx, id);
    await appendAudit(tx, { actor: null, action: "action.expire", target: `${row.action_id}#${id}` });
  });
  publish("actions");
}

/** Requests past their approval window expire (the sweeper calls this). */
export async function expireOverdue(): Promise<number> {
  const due = await readOverdueRunIds(await getDb());
  for (const id of due) await expire(id);
  return due.length;
}

export const runFilterInput = z.object({
  status: z.enum(["open", ...runStatuses]).optional(),
  incidentId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export async function listActions(_caller: Caller, raw: unknown): Promise<ActionRun[]> {
  return readRuns(await getDb(), parseInput(runFilterInput, raw ?? {}) as RunFilter);
}

export async function getAction(_caller: Caller, id: number): Promise<ActionRunDetail> {
  const run = await readRunDetail(await getDb(), id);
  if (!run) throw notFound(`There is no action #${id}.`);
  return run;
}
