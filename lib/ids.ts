import { z } from "zod";

/** The largest value a PostgreSQL `integer` holds: every `serial` id (incidents, action runs) and version counter. */
export const maxInt4 = 2_147_483_647;

export const rowIdRule = `a whole number from 1 to ${maxInt4}`;

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

const INCIDENT_PREFIX = "INC-";
const incidentPrefix = new RegExp(`^${INCIDENT_PREFIX}`, "i");

/** How people write an incident's id, in pages, messages, pages sent and file names: INC-12. */
export const incidentRef = (id: number) => `${INCIDENT_PREFIX}${id}`;

/** An incident id: a row id, optionally written as incidentRef writes it (INC-12, any case). */
export const incidentRowId = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(incidentPrefix, "") : v),
  rowId,
);
