import { z } from "zod";
import { rowId } from "./id-schema";
import {
  isValidHandoffTime,
  isValidLocalDate,
  isValidTimeZone,
  localDateTimeToInstant,
  rotationKinds,
} from "./oncall-rotation";

/** What an on-call schedule's edits take, for the server actions and the service; client components never load it. */

const level = z.number({ error: "must be a level of the escalation chain" }).int().min(0).max(99);
const userId = z.uuid({ error: "must be a console user" });
const timeZone = z
  .string()
  .trim()
  .refine(isValidTimeZone, "must be an IANA time zone, e.g. Europe/Berlin or America/New_York");

export const rotationInput = z.object({
  level,
  kind: z.enum(rotationKinds, { error: "must be daily or weekly" }),
  handoffTime: z.string().trim().refine(isValidHandoffTime, "must be a time of day, HH:MM (24 h)"),
  handoffDay: z.coerce.number().int().min(0, "must be a day of the week").max(6, "must be a day of the week"),
  timeZone,
  startDate: z.string().trim().refine(isValidLocalDate, "must be a date, YYYY-MM-DD"),
  members: z.array(userId).min(1, "Add at least one member.").max(50, "At most 50 members."),
});
export type RotationInput = z.output<typeof rotationInput>;

/**
 * An override as its form gives it: local date-times ("2026-03-13T18:00") in the named zone (the rotation's), made
 * instants here with the rotation arithmetic's own rule for times that a DST change skips or repeats.
 */
export const overrideFields = z.object({
  level,
  userId,
  timeZone,
  start: z.string().trim().min(1, "is required"),
  end: z.string().trim().min(1, "is required"),
  note: z.string().trim().max(200).default(""),
});

/** The override's fields made instants, refused when the end is not after the start. */
export const overrideInput = overrideFields.transform((v, ctx) => {
  const start = isValidTimeZone(v.timeZone) ? localDateTimeToInstant(v.start, v.timeZone) : null;
  const end = isValidTimeZone(v.timeZone) ? localDateTimeToInstant(v.end, v.timeZone) : null;
  if (!start) ctx.addIssue({ code: "custom", path: ["start"], message: "must be a date and time" });
  if (!end) ctx.addIssue({ code: "custom", path: ["end"], message: "must be a date and time" });
  if (!start || !end) return z.NEVER;
  if (end <= start) {
    ctx.addIssue({ code: "custom", path: ["end"], message: "must be after the start" });
    return z.NEVER;
  }
  if (end.getTime() - start.getTime() > 90 * 86_400_000) {
    ctx.addIssue({ code: "custom", path: ["end"], message: "must be within 90 days of the start" });
    return z.NEVER;
  }
  return { level: v.level, userId: v.userId, start, end, note: v.note };
});
export type OverrideInput = z.output<typeof overrideInput>;

export const overrideId = z.object({ id: rowId });
