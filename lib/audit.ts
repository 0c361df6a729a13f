import { z } from "zod";

/** The tamper-evident audit log as the audit page, the JSON API and the exports see it. */

export interface AuditRow {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The verifier's verdict on the whole chain (the shape of server/audit/verify-audit's AuditVerdict). */
export type AuditChain = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; reason: string };

export const auditFilterKeys = ["action", "actor", "target", "from", "to", "limit"] as const;
export type AuditFilterParams = Partial<Record<(typeof auditFilterKeys)[number], string>>;

export const auditLimitDefault = 200;
export const auditLimitMax = 5000;

const hasZone = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;

/** An ISO 8601 date and time; one without a zone (what a datetime-local input sends) is read as UTC. */
const moment = z.iso
  .datetime({ offset: true, local: true, error: "expected an ISO 8601 date and time, such as 2026-05-01T12:00:00Z" })
  .transform((v, ctx) => {
    const d = new Date(hasZone.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "is not a real date and time" });
      return z.NEVER;
    }
    return d.toISOString();
  });

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).optional();

export const auditFilters = z
  .object({
    /** Prefix of the action: "action." for every runbook action, or a whole name such as "user.set-role". */
    action: text(100),
    /** Part of the actor's email, any case. */
    actor: text(200),
    /** Part of the target, any case, such as "#12" or "db.promote-replica". */
    target: text(200),
    from: moment.optional(),
    to: moment.optional(),
    limit: z.coerce
      .number({ error: `must be a whole number from 1 to ${auditLimitMax}` })
      .int(`must be a whole number from 1 to ${auditLimitMax}`)
      .min(1, `must be a whole number from 1 to ${auditLimitMax}`)
      .max(auditLimitMax, `must be at most ${auditLimitMax}`)
      .default(auditLimitDefault),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "must not be before from" });

export type AuditFilters = z.output<typeof auditFilters>;

/** The known filters from a URL's search params: the first value of each, trimmed, blank ones left out. */
export function auditFilterParams(
  sp: URLSearchParams | Record<string, string | string[] | undefined>,
): AuditFilterParams {
  const get = (k: string) => {
    if (sp instanceof URLSearchParams) return sp.get(k);
    const v = sp[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const params: AuditFilterParams = {};
  for (const key of auditFilterKeys) {
    const value = get(key)?.trim();
    if (value) params[key] = value;
  }
  return params;
}

/** The export URL for the same filters. */
export function auditExportHref(params: AuditFilterParams, format: "csv" | "json"): string {
  return `/api/v1/audit?${new URLSearchParams({ ...params, format })}`;
}

/** A datetime-local input's value (UTC, to the second) for a filter's moment; "" when it is not one. */
export function toDatetimeLocal(value: string | undefined): string {
  const parsed = moment.safeParse(value);
  return parsed.success ? parsed.data.slice(0, 19) : "";
}

/** A row's detail as short "key: value" pairs; nested values as compact JSON. */
export function detailPairs(detail: Record<string, unknown>): [string, string][] {
  return Object.entries(detail)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
}

export const shortHash = (hash: string) => hash.slice(0, 12);
