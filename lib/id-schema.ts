import { z } from "zod";
import { INCIDENT_PREFIX, maxInt4, rowIdRule } from "./ids";

/** Ids as paths, queries and forms give them. Apart from lib/ids so that pages in the browser never load zod. */

/**
 * A row id from a path, query or form: a number, or its digits as text, from 1 to int4's maximum. What no row
 * can have is refused here, before the store sees it (beyond int4 the store would fail, not answer "none").
 */
export const rowId = z.preprocess(
  (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z
    .number({ error: `must be ${rowIdRule}` })
    .int(`must be ${rowIdRule}`)
    .min(1, `must be ${rowIdRule}`)
    .max(maxInt4, `must be ${rowIdRule}`),
);

const incidentPrefix = new RegExp(`^${INCIDENT_PREFIX}`, "i");

/** An incident id: a row id, optionally written as incidentRef writes it (INC-12, any case). */
export const incidentRowId = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(incidentPrefix, "") : v),
  rowId,
);
