import "server-only";
import type { ActionParams } from "@/lib/actions/action-params";
import type { ActionId } from "@/lib/actions/catalog";
import type { Check, PlanStage } from "@/lib/actions/run";
import type { FleetConfig, RegionConfig } from "@/lib/fleet-config";
import type { FleetSnapshot } from "@/lib/fleet-view";

/** What an action sees of the fleet when it checks, plans, runs or verifies. */
export interface FleetContext {
  /** the fleet file with the primary as Switchyard last set it */
  fleet: FleetConfig;
  /** the collector's latest view (may lag the truth by a poll; pre-flights probe live where it matters) */
  snapshot: FleetSnapshot;
  region(id: string): RegionConfig;
}

export interface RunContext extends FleetContext {
  runId: number;
  /** a line of output, streamed to the page and kept */
  log(text: string, stream?: "stdout" | "stderr" | "info"): void;
  progress(percent: number | null, message: string): void;
  /** a plan's steps as they stand now (server/actions/plan.ts), kept on the run for its page */
  stages(list: PlanStage[]): void;
  /** a figure the action measured (a switchover's write gap), kept on the run by name */
  figure(name: string, value: number): void;
  /** aborted at the action's timeout */
  signal: AbortSignal;
  /** an operator's pause or abort request, for controllable actions */
  control(): Promise<"pause" | "abort" | null>;
  /**
   * The action pauses itself for an operator (its analysis failed), as an operator's pause does: the run's control
   * becomes "pause" unless an abort is asked already; resume and abort work as usual. Throws when the store cannot
   * take it.
   */
  pause(why: string): Promise<void>;
  /**
   * Pages the team about this run (the first level on call and the team webhook) and notes it on the run's incident,
   * if any. Never throws: says in words what went out.
   */
  page(what: string): Promise<string>;
}

/**
 * One runbook action: its pre-flight (live, with what it observed), its dry-run plan, its execution and its
 * verification. The service wraps them in approval, locking, timeouts and the audit log.
 */
export interface ActionModule<A extends ActionId = ActionId, Seen = unknown> {
  id: A;
  /** parameters the zod schema cannot judge alone (the region exists, is a replica, ...): a message, or null */
  validate?(params: ActionParams<A>, ctx: FleetContext): string | null;
  preflight(params: ActionParams<A>, ctx: FleetContext): Promise<Check[]>;
  plan(params: ActionParams<A>, ctx: FleetContext): string[];
  /** resolves with what it saw (an endpoint's answer, a start time) for its verification to judge */
  execute(params: ActionParams<A>, ctx: RunContext): Promise<Seen>;
  verify(params: ActionParams<A>, ctx: RunContext, seen: Seen): Promise<Check[]>;
  /** a pre-flight failure that means another action fits better (promotion while the primary lives: switchover) */
  propose?(checks: Check[]): { actionId: ActionId; why: string } | null;
}

export const check = (id: string, label: string, ok: boolean, observed: string): Check => ({ id, label, ok, observed });
