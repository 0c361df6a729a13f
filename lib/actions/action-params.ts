import { z } from "zod";
import { cdnProviders } from "../cdn-providers";
import { REGION_ID } from "../fleet-config";
import type { ActionId } from "./catalog";

/**
 * Each runbook action's parameters, checked. Isomorphic, so the request form validates with the same schemas the
 * service does; apart from ./catalog so that pages that only name actions never load zod.
 */

const region = z.string().regex(REGION_ID, "must be a region id like eu-west-1");
const regions = z.array(region).min(1, "pick at least one region").max(50);
const provider = z.enum(cdnProviders);

export const actionParams = {
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
  }),
  "mirrors.test-failover": z.strictObject({ region }),
  "mirrors.resync": z.strictObject({ region: z.union([region, z.literal("all")]) }),
  "mirrors.cleanup": z.strictObject({ region }),
} satisfies Record<ActionId, z.ZodType>;

export type ActionParams<A extends ActionId> = z.infer<(typeof actionParams)[A]>;

/** Parses an action's parameters; the error names the field. */
export function parseActionParams(actionId: ActionId, raw: unknown) {
  return actionParams[actionId].safeParse(raw);
}
