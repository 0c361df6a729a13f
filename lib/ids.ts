/** The largest value a PostgreSQL `integer` holds: every `serial` id (incidents, action runs) and version counter. */
export const maxInt4 = 2_147_483_647;

export const rowIdRule = `a whole number from 1 to ${maxInt4}`;

export const INCIDENT_PREFIX = "INC-";

/** How people write an incident's id, in pages, messages, pages sent and file names: INC-12. */
export const incidentRef = (id: number) => `${INCIDENT_PREFIX}${id}`;
