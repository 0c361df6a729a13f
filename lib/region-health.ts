import { z } from "zod";
import { ruleThreshold } from "./alert-rules";
import type { ApiSample, CdnSample, DbSample, LagSample, MirrorSample } from "./fleet-sample";
import type { RegionReachability } from "./reachability";

/** How a region is doing, derived from probes of its API and its PostgreSQL server. */
export const healthStates = ["healthy", "degraded", "unhealthy"] as const;
export type HealthState = (typeof healthStates)[number];

/** What a region API sees of one region's database (its own included): an element of its health's `reaches`. */
export const apiSightingSchema = z.looseObject({
  region: z.string(),
  reachable: z.boolean(),
  /** null: it could not tell (unreachable, or it did not ask) */
  inRecovery: z.boolean().nullable(),
  latencyMs: z.number().nullable(),
  /** words a person reads */
  error: z.string().nullable(),
  /** the SQLSTATE or system code behind `error`, when the region API says */
  errorCode: z.string().nullable().optional(),
  /** ISO time of the check, by the region API's clock */
  checkedAt: z.string(),
});
export type ApiSighting = z.infer<typeof apiSightingSchema>;

/** What a region API's GET /health answers (the lab serves it; a real region API should too). Unknown fields are kept. */
export const apiHealthSchema = z.looseObject({
  status: z.enum(["ok", "degraded", "down"]),
  region: z.string().optional(),
  /** the database port it writes to, when it says (the lab's does): a repoint is confirmed by it */
  dbPort: z.number().int().optional(),
  db: z
    .looseObject({
      connected: z.boolean().optional(),
      writable: z.boolean().optional(),
      lastError: z.string().nullable().optional(),
      /** the SQLSTATE or system code behind `lastError`, when the region API says */
      lastErrorCode: z.string().nullable().optional(),
    })
    .optional(),
  mirrors: z.looseObject({ status: z.string() }).optional(),
  cdn: z
    .looseObject({ provider: z.string().optional(), enabled: z.boolean().optional(), status: z.string() })
    .optional(),
  /** what it sees of every region's database; a malformed list is dropped, never the whole answer */
  reaches: z.array(apiSightingSchema).optional().catch(undefined),
});
export type ApiHealth = z.infer<typeof apiHealthSchema>;

export interface RegionProbe {
  role: "primary" | "replica";
  api: ApiSample;
  /** null: the database tier is simulated and only the region API speaks for it */
  db: DbSample | null;
  lag?: LagSample | null;
  mirrors?: MirrorSample | null;
  cdn?: CdnSample | null;
  /** replication lag above this many seconds degrades a replica: the replication-lag rule's threshold (its default when absent) */
  lagThresholdSeconds?: number;
  /** what every vantage saw of this region's database (lib/reachability): tells a partition from an outage */
  reachability?: RegionReachability;
}

export interface DerivedHealth {
  status: HealthState;
  reasons: string[];
}

const fmt = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));

/**
 * The status rules. Unhealthy: the region cannot serve (its API is unreachable, or it is the primary and
 * its database is down). Degraded: it serves with something wrong (slow API, replica database down or
 * behind or not streaming, writes failing, mirrors or CDN in trouble). Each reason names what was seen.
 * With `reachability`, a database the console alone cannot reach (a region API still can) is a partition:
 * degraded, not unhealthy, and never healthy while the console cannot reach it.
 */
export function deriveHealth(p: RegionProbe): DerivedHealth {
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  const { api, db } = p;
  const reach = p.reachability;
  // The console cannot reach the database but a region API can: the region serves its users and the console
  // is cut off from it, so neither the database nor the API the console cannot reach makes it unhealthy.
  const consoleCutOff = db !== null && !db.up && reach?.verdict === "partitioned-from-console";
  if (consoleCutOff)
    degraded.push(
      reach.reason ?? `${reach.region} is unreachable from the console only — a network partition, not an outage`,
    );

  if (!api.up) {
    if (api.timedOut) degraded.push(`Region API slow: no answer within ${Math.round(api.latencyMs)} ms`);
    else if (consoleCutOff) degraded.push(`Region API unreachable: ${api.error}`);
    else unhealthy.push(`Region API unreachable: ${api.error}`);
  }
  // With a simulated database tier the region API's own report stands in for the database probe.
  const dbDown =
    db && !db.up
      ? db.error
      : db === null && api.up && api.health.db?.connected === false
        ? (api.health.db.lastError ?? "not connected")
        : null;
  if (dbDown !== null && !consoleCutOff) {
    if (p.role === "primary") unhealthy.push(`Primary database unreachable: ${dbDown}`);
    else degraded.push(`Replica database unreachable: ${dbDown}`);
  }
  if (reach?.verdict === "partitioned-from-regions" && reach.reason) degraded.push(reach.reason);
  if (db?.up && p.role === "replica" && !db.inRecovery)
    degraded.push("Replica is not in recovery: it was promoted or split from the primary");
  if (db?.up && p.role === "primary" && db.inRecovery) degraded.push("Primary is in recovery: it accepts no writes");
  if (db?.up && db.inRecovery) {
    if (db.replayPaused) degraded.push("WAL replay is paused");
    if (!db.receiver) degraded.push("Replication stopped: no WAL receiver");
    else if (db.receiver.status !== "streaming")
      degraded.push(`Replication stopped: WAL receiver ${db.receiver.status}`);
    const threshold = p.lagThresholdSeconds ?? ruleThreshold({}, "replication-lag");
    if (p.lag?.seconds != null && p.lag.seconds > threshold)
      degraded.push(`Replication lag ${fmt(p.lag.seconds)} s (over ${threshold} s)`);
  }

  if (api.up) {
    const h = api.health;
    if (h.status === "down" || h.db?.writable === false) {
      const detail = h.db?.lastError ? `: ${h.db.lastError}` : "";
      // A dead primary database already explains it (one the console is only cut off from does not).
      if (!(dbDown !== null && p.role === "primary" && !consoleCutOff))
        degraded.push(`Region API cannot write to its database${detail}`);
    }
  }
  const mirrorStatus = p.mirrors?.status ?? (api.up ? api.health.mirrors?.status : undefined);
  if (mirrorStatus && mirrorStatus !== "ok") degraded.push(`Mirror storage ${mirrorStatus}`);
  const cdn = p.cdn ?? (api.up ? api.health.cdn : undefined);
  if (cdn && cdn.status !== "ok" && cdn.enabled !== false)
    degraded.push(`CDN ${cdn.provider ?? ""} ${cdn.status}`.replace(/\s+/g, " "));

  // Unreachable from every vantage that answers: the status stands, the verdict's words follow what was seen.
  const seen = reach?.verdict === "unreachable" && reach.reason ? [reach.reason] : [];
  if (unhealthy.length) return { status: "unhealthy", reasons: [...unhealthy, ...seen, ...degraded] };
  if (degraded.length || seen.length) return { status: "degraded", reasons: [...degraded, ...seen] };
  return { status: "healthy", reasons: [] };
}
