import { z } from "zod";
import { MAX_WEIGHT } from "../balancer-layout";
import { cdnProviders } from "../cdn-providers";
import { geographySchema, REGION_ID } from "../fleet-config";
import type { ActionId } from "./catalog";
import { rolloutFailurePolicies } from "./rollout-analysis";
import { DEFAULT_RESTORE_HOLD_SECONDS } from "./traffic-plan";

/**
 * Each runbook action's parameters, checked. Isomorphic, so the request form validates with the same schemas the
 * service does; apart from ./catalog so that pages that only name actions never load zod.
 */

const region = z.string().regex(REGION_ID, "must be a region id like eu-west-1");
const regions = z.array(region).min(1, "pick at least one region").max(50);
const provider = z.enum(cdnProviders);
const geography = geographySchema.shape.id;
const holdSeconds = z.number().int().min(1).max(86_400);

/** A restore's steps: the home region's weight at each (percent of its home weight), rising, ending at 100. */
const restoreSteps = z
  .array(z.number().int().min(1).max(100))
  .min(1, "give at least one step")
  .max(5, "at most 5 steps")
  .refine((s) => s.every((p, i) => i === 0 || p > s[i - 1]!), "each step must be above the one before")
  .refine((s) => s.at(-1) === 100, "the last step must be 100 (the home weight)");

/** Weights per region in one geography's backend: HAProxy's 0–256, at least one region above 0. */
const weights = z
  .record(region, z.number().int().min(0, "must be 0 or more").max(MAX_WEIGHT, `must be at most ${MAX_WEIGHT}`))
  .refine((w) => Object.keys(w).length > 0 && Object.keys(w).length <= 50, "give a weight for at least one region")
  .refine((w) => Object.values(w).some((v) => v > 0), "at least one region needs a weight above 0 to serve");

export const actionParams = {
  "db.failover": z.strictObject({ candidate: region, regions }),
  "db.failback": z.strictObject({ region }),
  "db.promote-replica": z.strictObject({ region }),
  "db.fence-primary": z.strictObject({ region }),
  "db.switchover": z.strictObject({ candidate: region }),
  "db.repoint-app": z.strictObject({ primary: region, regions }),
  "db.verify-primary": z.strictObject({ region }),
  "db.recreate-slot": z.strictObject({ replica: region }),
  "db.rebuild-replica": z.strictObject({ region, source: region }),
  "cdn.disable": z.strictObject({ regions }),
  "cdn.enable": z.strictObject({ regions }),
  "cdn.switch-provider": z.strictObject({ provider, regions }),
  "cdn.rollout": z.strictObject({
    provider,
    regions,
    /** how long to hold at 10 % and at 50 % before the next step; the runbook's 1 h and 2 h by default */
    holdSeconds: z
      .tuple([z.number().int().min(1).max(86_400), z.number().int().min(1).max(86_400)])
      .default([3600, 7200]),
    /** when a hold's analysis fails: pause and page (an operator resumes or aborts), or go back and fail */
    onFailure: z.enum(rolloutFailurePolicies).default("pause"),
  }),
  "mirrors.test-failover": z.strictObject({ region }),
  "mirrors.resync": z.strictObject({ region: z.union([region, z.literal("all")]) }),
  "mirrors.cleanup": z.strictObject({ region }),
  "traffic.drain-region": z.strictObject({ region }),
  "traffic.restore-region": z.strictObject({
    region,
    /** [100]: at once; [25, 50, 100]: the home geography split with the region serving it meanwhile, step by step */
    steps: restoreSteps.default([100]),
    /** how long to hold at each step before the next (ignored at once) */
    holdSeconds: holdSeconds.default(DEFAULT_RESTORE_HOLD_SECONDS),
  }),
  "traffic.set-weights": z.strictObject({ geography, weights }),
} satisfies Record<ActionId, z.ZodType>;

export type ActionParams<A extends ActionId> = z.infer<(typeof actionParams)[A]>;

/** Parses an action's parameters; the error names the field. */
export function parseActionParams(actionId: ActionId, raw: unknown) {
  return actionParams[actionId].safeParse(raw);
}
