import "server-only";
import { incidentRowId } from "@/lib/id-schema";
import { incidentRef, rowIdRule } from "@/lib/ids";
import { invalid, notFound } from "@/server/errors";

/** An incident id from a form or query: a positive integer within int4, optionally written INC-12; anything else is a 400. */
export function incidentId(raw: unknown): number {
  const parsed = incidentRowId.safeParse(raw);
  if (!parsed.success)
    throw invalid(`That is not an incident id (${rowIdRule}, optionally written ${incidentRef(12)}).`);
  return parsed.data;
}

/** An incident id from a URL's path: one no incident can have names none, a 404 without asking the store. */
export function incidentPathId(raw: string): number {
  const parsed = incidentRowId.safeParse(raw);
  if (!parsed.success) throw notFound(`There is no incident ${raw.slice(0, 40)}.`);
  return parsed.data;
}
