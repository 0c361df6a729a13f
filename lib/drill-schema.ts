import { z } from "zod";
import { FAILOVER_TEST, drillFaults, drillPlans } from "./drills";
import { REGION_ID } from "./fleet-config";
import { rowId } from "./id-schema";
import { severities } from "./severity";

/**
 * What starting and ending a drill take, for the server actions and the service; client components never load it.
 * That the region is the fleet's, the participants are people of the console and the region has an injectFault hook
 * for a fault are the service's checks (it reads the fleet file and the store).
 */

const distinct = <T>(xs: T[]) => [...new Set(xs)];

export const startDrillInput = z
  .object({
    scenarioId: z
      .string()
      .trim()
      .refine((id) => Object.hasOwn(drillPlans, id), "must be a scenario of the runbook or the monthly failover test"),
    severity: z.enum(severities, { error: `must be one of ${severities.join(", ")}` }),
    region: z.string().trim().regex(REGION_ID, "must be a region id like us-east-1"),
    /** the lab fault Switchyard injects; null: people cause it by hand (or, for the failover test, nothing) */
    fault: z
      .enum(drillFaults, { error: `must be none or one of ${drillFaults.join(", ")}` })
      .nullable()
      .default(null),
    /** the people the drill's incident pages, instead of the escalation chain */
    participants: z
      .array(z.uuid("must be people of this console"))
      .min(1, "pick at least one participant: the drill's incident pages them")
      .max(50, "at most 50 participants")
      .transform(distinct),
  })
  .superRefine((v, ctx) => {
    if (v.scenarioId === FAILOVER_TEST && v.fault !== null)
      ctx.addIssue({
        code: "custom",
        path: ["fault"],
        message: "must be none for the failover test: the switchover is the exercise",
      });
  });
export type StartDrillInput = z.output<typeof startDrillInput>;

export const endDrillInput = z.object({
  id: rowId,
  /** undo the injected fault through the fleet's clearFault hook (leave it when the team repaired it another way) */
  clearFault: z.boolean({ error: "must be true or false" }).default(true),
});
export type EndDrillInput = z.output<typeof endDrillInput>;

/** The form's field names as their labels read, for the sentence a person is shown ("Participants: …"). */
export const drillFieldLabels: Record<string, string> = {
  scenarioId: "Scenario",
  severity: "Severity",
  region: "Region",
  fault: "Fault",
  participants: "Participants",
  id: "Drill",
  clearFault: "Clear the fault",
};

const text = (form: FormData, k: string) => {
  const v = form.get(k);
  return typeof v === "string" ? v : undefined;
};

/** A drill to start, from the posted form: "" for the fault is none; the ticked participants. */
export function startDrillFromForm(form: FormData): Record<string, unknown> {
  const fault = text(form, "fault");
  return {
    scenarioId: text(form, "scenarioId"),
    severity: text(form, "severity"),
    region: text(form, "region"),
    fault: fault ? fault : null,
    participants: form.getAll("participants").filter((v): v is string => typeof v === "string"),
  };
}

/** A drill to end, from the posted form: its id, and the clear-fault box ticked or not (absent: no fault to clear). */
export function endDrillFromForm(form: FormData): Record<string, unknown> {
  return { id: text(form, "id"), clearFault: form.get("clearFault") === "on" };
}
