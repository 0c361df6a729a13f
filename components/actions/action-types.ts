import type { ActionResult } from "@/lib/action-result";
import type { ActionId, Risk } from "@/lib/actions/catalog";
import type { ActionRun, Check } from "@/lib/actions/run";
import type { CdnProvider } from "@/lib/fleet-config";
import type { Role } from "@/lib/roles";

/**
 * The runbook-action server actions as the client components call them; the pages pass the real ones in
 * (app/(console)/actions/actions.ts), so client code imports no server module.
 */

/** The live pre-flight and dry-run plan of a request not yet made (the service's Preview). */
export interface ActionPreview {
  actionId: ActionId;
  params: Record<string, unknown>;
  paramsHash: string;
  risk: Risk;
  preflight: Check[];
  plan: string[];
  proposal: { actionId: ActionId; why: string } | null;
  holder: ActionRun | null;
}

export type ActionInput = { actionId: ActionId; params: Record<string, unknown> };

export interface RequestFormActions {
  preview: (input: ActionInput) => Promise<ActionResult<ActionPreview>>;
  request: (input: ActionInput & { incidentId: number | null; stepKey: string | null; idempotencyKey: string }) => Promise<ActionResult<ActionRun>>;
}

export type RunControl = "pause" | "resume" | "abort";

export interface RunActions {
  approve: (input: { id: number; paramsHash: string }) => Promise<ActionResult<ActionRun>>;
  reject: (input: { id: number; reason: string }) => Promise<ActionResult<ActionRun>>;
  /** `confirm`: the value typed back when a failing check asks for it (Check.confirm) */
  override: (input: { id: number; reason: string; confirm?: string }) => Promise<ActionResult<ActionRun>>;
  cancel: (input: { id: number }) => Promise<ActionResult<ActionRun>>;
  control: (input: { id: number; control: RunControl }) => Promise<ActionResult<ActionRun>>;
}

/** A region of the fleet as the request form offers it, with the role Switchyard last recorded. */
export type FleetRegion = { id: string; displayName: string; role: "primary" | "replica"; cdnProvider: CdnProvider };

/** Who looks at a run: the controls depend on the role and on whether they asked for it. */
export type RunViewer = { userId: string; role: Role };
