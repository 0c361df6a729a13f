import { z } from "zod";
import { REGION_ID } from "./fleet-config";
import { maxInt4 } from "./ids";
import type { IncidentFilter } from "./incident-view";
import { severities } from "./severity";

/**
 * What a declaration and the incident list take, checked. Apart from lib/incident so that pages in the browser
 * never load zod.
 */

export const declareInput = z.object({
  title: z.string().trim().min(3, "Give the incident a title of at least 3 characters.").max(200),
  scenarioId: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .nullable(),
  severity: z.enum(severities),
  impact: z.string().trim().max(2000).default(""),
  regions: z.array(z.string().regex(REGION_ID)).max(50).default([]),
  leadId: z.uuid("Pick an incident lead."),
  fromAlertId: z.number().int().positive().nullable().default(null),
  /** the running drill this is the incident of: it pages the drill's participants only (server/drills) */
  drillId: z.number().int().positive().max(maxInt4).nullable().default(null),
});

export const incidentFilters = z.object({
  status: z.enum(["open", "resolved", "all"]).default("open"),
  severity: z.enum(severities).optional(),
  scenarioId: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});

/** The list's filters from the URL's search params; an invalid value is dropped rather than failing the page. */
export function parseIncidentFilters(sp: Record<string, string | string[] | undefined>): IncidentFilter {
  const first = (k: string) => (Array.isArray(sp[k]) ? sp[k][0] : sp[k]) || undefined;
  const shape = incidentFilters.shape;
  const status = shape.status.safeParse(first("status"));
  const severity = shape.severity.safeParse(first("severity"));
  const scenarioId = shape.scenarioId.safeParse(first("scenario"));
  const filter: IncidentFilter = { status: status.success ? status.data : "open" };
  if (severity.success && severity.data) filter.severity = severity.data;
  if (scenarioId.success && scenarioId.data) filter.scenarioId = scenarioId.data;
  return filter;
}
