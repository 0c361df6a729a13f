import type * as runActions from "@/app/(console)/actions/actions";
import type { CdnProvider } from "@/lib/cdn-providers";
import type { Role } from "@/lib/roles";
import type { Preview } from "@/server/actions/action-service";

/**
 * The runbook-action server actions as the client components call them, typed by the actions themselves (their
 * input by the zod schema they parse). The pages pass the real ones in (app/(console)/actions/actions.ts); these
 * are type imports only, so client code bundles no server module.
 */

/** The live pre-flight and dry-run plan of a request not yet made. */
export type ActionPreview = Preview;

export interface RequestFormActions {
  preview: typeof runActions.previewRequest;
  request: typeof runActions.requestRun;
}

/** What the pre-flight is asked about: the action and its parameters. */
export type ActionInput = Parameters<RequestFormActions["preview"]>[0];

export interface RunActions {
  approve: typeof runActions.approveRun;
  reject: typeof runActions.rejectRun;
  /** `confirm`: the value typed back when a failing check asks for it (Check.confirm) */
  override: typeof runActions.overridePreflight;
  cancel: typeof runActions.cancelRun;
  control: typeof runActions.controlRun;
}

/** A region of the fleet as the request form offers it, with the role Switchyard last recorded. */
export type FleetRegion = { id: string; displayName: string; role: "primary" | "replica"; cdnProvider: CdnProvider };

/** A geography of users of the fleet's global balancer, as the request form offers it, with the region that serves it first. */
export type FleetGeography = { id: string; displayName: string; home: string };

/** Who looks at a run: the controls depend on the role and on whether they asked for it. */
export type RunViewer = { userId: string; role: Role };
