import { z } from "zod";

/** How a region is doing, derived from probes of its API and its PostgreSQL server. */
export const healthStates = ["healthy", "degraded", "unhealthy"] as const;
export type HealthState = (typeof healthStates)[number];

/** What a region API's GET /health answers (the lab serves it; a real region API should too). Unknown fields are kept. */
export const apiHealthSchema = z.looseObject({
  status: z.enum(["ok", "degraded", "down"]),
  region: z.string().optional(),
  db: z
    .looseObject({
      connected: z.boolean().optional(),
      writable: z.boolean().optional(),
      lastError: z.string().nullable().optional(),
    })
    .optional(),
  mirrors: z.looseObject({ status: z.string() }).optional(),
  cdn: z.looseObject({ provider: z.string().optional(), enabled: z.boolean().optional(), status: z.string() }).optional(),
});
export type ApiHealth = z.infer<typeof apiHealthSchema>;

export type ApiProbe =
  | { up: true; latencyMs: number; health: ApiHealth }
  | { up: false; latencyMs: number; timedOut: boolean; error: string };

/** null: the database tier is simulated and only the region API speaks for it. */
export type DbProbe = { up: true; latencyMs: number; inRecovery: boolean } | { up: false; error: string } | null;

export interface RegionProbe {
  role: "primary" | "replica";
  api: ApiProbe;
  db: DbProbe;
}

export interface DerivedHealth {
  status: HealthState;
  reasons: string[];
}

/**
 * The status rules. Unhealthy: the region cannot serve (its API is unreachable, or it is the primary and
 * its database is down). Degraded: it serves with something wrong (slow API, replica database down, writes
 * failing, mirrors or CDN down). Each reason names what was seen.
 */
export function deriveHealth(p: RegionProbe): DerivedHealth {
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  const { api, db } = p;

  if (!api.up) {
    if (api.timedOut) degraded.push(`Region API slow: no answer within ${Math.round(api.latencyMs)} ms`);
    else unhealthy.push(`Region API unreachable: ${api.error}`);
  }
  if (db && !db.up) {
    if (p.role === "primary") unhealthy.push(`Primary database unreachable: ${db.error}`);
    else degraded.push(`Replica database unreachable: ${db.error}`);
  }
  if (db?.up && p.role === "replica" && !db.inRecovery) degraded.push("Replica is not in recovery: it was promoted or split from the primary");
  if (db?.up && p.role === "primary" && db.inRecovery) degraded.push("Primary is in recovery: it accepts no writes");

  if (api.up) {
    const h = api.health;
    if (h.status === "down" || h.db?.writable === false) {
      const detail = h.db?.lastError ? `: ${h.db.lastError}` : "";
      // With a real database probe the database's own state already explains a dead primary.
      if (!(db && !db.up && p.role === "primary")) degraded.push(`Region API cannot write to its database${detail}`);
    } else if (h.status === "degraded" && !h.mirrors && !h.cdn) {
      degraded.push("Region API reports itself degraded");
    }
    if (h.mirrors && h.mirrors.status !== "ok") degraded.push(`Mirror storage ${h.mirrors.status}`);
    if (h.cdn && h.cdn.status !== "ok" && h.cdn.enabled !== false) degraded.push(`CDN ${h.cdn.provider ?? ""} ${h.cdn.status}`.replace(/\s+/g, " "));
  }

  if (unhealthy.length) return { status: "unhealthy", reasons: [...unhealthy, ...degraded] };
  if (degraded.length) return { status: "degraded", reasons: degraded };
  return { status: "healthy", reasons: [] };
}

/** One region as pages and the JSON API show it. */
export interface RegionView {
  id: string;
  displayName: string;
  role: "primary" | "replica";
  observedRole: "primary" | "replica" | null;
  status: HealthState | null;
  reasons: string[];
  lastSeenAt: string | null;
  checkedAt: string | null;
  changedAt: string | null;
  apiUrl: string;
  api: { up: boolean; latencyMs: number | null } | null;
  db: { up: boolean; inRecovery: boolean | null } | null;
}

export interface RegionsResponse {
  generatedAt: string;
  simulated: boolean;
  regions: RegionView[];
}
