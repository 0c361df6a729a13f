import { z } from "zod";
import { REGION_ID } from "./fleet-config";
import { instantOf, maintenanceFields } from "./maintenance-schema";
import { FAILOVER_TEST_DEFAULTS } from "./failover-test";

/**
 * What scheduling the monthly failover test takes, for the server action and the service; client components never
 * load it. The start is a form's `datetime-local` read in the chosen zone (or an ISO instant with its offset); the
 * window lasts `minutes`. That the candidate is a replica of the fleet is the service's check.
 */
export const failoverTestInput = z
  .object({
    candidate: z.string().trim().regex(REGION_ID, "must be a region id like eu-west-1"),
    timeZone: maintenanceFields.shape.timeZone,
    startsAt: z.string().trim().min(1, "is required"),
    minutes: z.coerce
      .number({ error: "must be a number of minutes" })
      .int("must be whole minutes")
      .min(45, "must be at least 45 (30 of them are monitoring)")
      .max(480, "must be at most 480")
      .default(FAILOVER_TEST_DEFAULTS.minutes),
    remindMinutes: z.coerce
      .number({ error: "must be a number of minutes" })
      .int("must be whole minutes")
      .min(0, "must be 0 (no reminder) or more")
      .max(10_080, "must be at most a week (10080)")
      .default(FAILOVER_TEST_DEFAULTS.remindMinutes),
  })
  .transform((v, ctx) => {
    const start = instantOf(v.startsAt, v.timeZone);
    if (!start) {
      ctx.addIssue({ code: "custom", path: ["startsAt"], message: "must be a date and time" });
      return z.NEVER;
    }
    return {
      ...v,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + v.minutes * 60_000).toISOString(),
    };
  });

export const failoverTestFieldLabels: Record<string, string> = {
  candidate: "Replica to promote",
  timeZone: "Time zone",
  startsAt: "Starts",
  minutes: "Window (minutes)",
  remindMinutes: "Reminder (minutes before)",
};

export function failoverTestFromForm(form: FormData): Record<string, unknown> {
  const get = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  return {
    candidate: get("candidate"),
    timeZone: get("timeZone"),
    startsAt: get("startsAt"),
    minutes: get("minutes"),
    remindMinutes: get("remindMinutes"),
  };
}
