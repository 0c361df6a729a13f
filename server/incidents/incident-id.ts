import "server-only";
import { invalid } from "@/server/errors";

/** An incident id from a URL or form: a positive integer, optionally written INC-12. */
export function incidentId(raw: unknown): number {
  const m = /^(?:INC-)?(\d{1,9})$/i.exec(String(raw ?? ""));
  if (!m || Number(m[1]) < 1) throw invalid("That is not an incident id.");
  return Number(m[1]);
}
