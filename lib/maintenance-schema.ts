import { z } from "zod";
import { REGION_ID } from "./fleet-config";
import { rowId } from "./id-schema";
import { MAX_WINDOW_MS, maintenanceComponents } from "./maintenance";
import { isValidTimeZone, localDateTimeToInstant } from "./oncall-rotation";

/**
 * What scheduling a maintenance window takes, for the server actions and the service; client components never load
 * it. Times come as a form's `datetime-local` values ("2026-11-25T22:00") read in the chosen time zone (UTC unless
 * another is chosen), or as ISO instants with their offset ("2026-11-25T22:00:00Z", "…+01:00") whatever the zone.
 * The parsed times are ISO instants in UTC, so a parsed input parses again to itself. That the regions are the
 * fleet's is the service's check (it reads the fleet file).
 */

const OFFSET_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An instant from an ISO date-time with its offset, or a local date-time in a zone; null when it is neither. */
export function instantOf(value: string, timeZone: string): Date | null {
  if (OFFSET_DATETIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return isValidTimeZone(timeZone) ? localDateTimeToInstant(value, timeZone) : null;
}

const distinct = <T>(xs: T[]) => [...new Set(xs)];

export const maintenanceFields = z.object({
  title: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
  reason: z.string().trim().max(2000, "must be at most 2000 characters").default(""),
  timeZone: z
    .string()
    .trim()
    .default("UTC")
    .refine(isValidTimeZone, "must be an IANA time zone, e.g. UTC or Europe/Berlin"),
  startsAt: z.string().trim().min(1, "is required"),
  endsAt: z.string().trim().min(1, "is required"),
  /** region ids; none: every region */
  regions: z
    .array(z.string().trim().regex(REGION_ID, "must be region ids like eu-west-1"))
    .max(50, "at most 50 regions")
    .default([])
    .transform(distinct),
  /** none: all of them */
  components: z
    .array(z.enum(maintenanceComponents, { error: `must be among ${maintenanceComponents.join(", ")}` }))
    .default([])
    .transform(distinct),
  /** announced on the public status page */
  public: z.boolean({ error: "must be true or false" }).default(true),
});

/** A window to schedule: its times made instants, refused unless the end is after the start and within 7 days of it. */
export const maintenanceInput = maintenanceFields.transform((v, ctx) => {
  const start = instantOf(v.startsAt, v.timeZone);
  const end = instantOf(v.endsAt, v.timeZone);
  if (!start) ctx.addIssue({ code: "custom", path: ["startsAt"], message: "must be a date and time" });
  if (!end) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be a date and time" });
  if (!start || !end) return z.NEVER;
  if (end <= start) {
    ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after the start" });
    return z.NEVER;
  }
  if (end.getTime() - start.getTime() > MAX_WINDOW_MS) {
    ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be at most 7 days after the start" });
    return z.NEVER;
  }
  return { ...v, startsAt: start.toISOString(), endsAt: end.toISOString() };
});
export type MaintenanceInput = z.output<typeof maintenanceInput>;

export const maintenanceId = z.object({ id: rowId });

/** The form's field names as their labels read, for the sentence a person is shown ("Ends: …"). */
export const maintenanceFieldLabels: Record<string, string> = {
  title: "Title",
  reason: "Reason",
  timeZone: "Time zone",
  startsAt: "Starts",
  endsAt: "Ends",
  regions: "Regions",
  components: "Components",
  public: "Announce publicly",
};

/** A window's fields from the posted form: ticked regions and components, the public box ticked or not. */
export function maintenanceFromForm(form: FormData): Record<string, unknown> {
  const get = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const all = (k: string) => form.getAll(k).filter((v): v is string => typeof v === "string");
  return {
    title: get("title"),
    reason: get("reason"),
    timeZone: get("timeZone"),
    startsAt: get("startsAt"),
    endsAt: get("endsAt"),
    regions: all("regions"),
    components: all("components"),
    public: form.get("public") === "on",
  };
}
