import "server-only";
import { z } from "zod";
import { describeIssues } from "@/lib/fleet-config";

/** Every environment variable the console reads, parsed once and validated at start-up. */
const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL for the console's own store. Unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  /** Where npm run store:backup writes. Unset: DATA_DIR/backups; keep copies on another machine too. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Where pg_dump and pg_restore are for a PostgreSQL store's backups. Unset: PATH, then the newest /usr/lib/postgresql/N/bin. */
  PG_BIN_DIR: z.string().min(1).optional(),
  /** The fleet file; the lab writes its own under LAB_DIR. */
  FLEET_CONFIG: z.string().min(1).optional(),
  LAB_DIR: z.string().min(1).default(".lab"),
  NEXTAUTH_SECRET: z.string().optional(),
  /**
   * The key of the audit log's HMAC chain and checkpoint, kept outside the store. Unset: one generated once in
   * DATA_DIR/audit-key. Several consoles on one PostgreSQL store must share it, so production on PostgreSQL needs it.
   */
  AUDIT_KEY: z
    .string()
    .min(32, "must be at least 32 characters (generate one with `openssl rand -base64 48`)")
    .optional(),
  /**
   * The address `npm start` listens on (default 127.0.0.1). Anything but loopback needs the demo accounts off
   * and a real NEXTAUTH_SECRET, whatever the store.
   */
  HOST: z.string().min(1).optional(),
  /** Seed one demo account per role (default: on with the embedded store). */
  DEMO_USERS: flag.optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  OIDC_DEFAULT_ROLE: z.enum(["viewer", "engineer", "lead", "admin"]).default("viewer"),
  /** Collector period in milliseconds. */
  POLL_INTERVAL: z.coerce.number().int().min(100).max(60_000).default(1000),
  /**
   * With several consoles on one store, the collecting one holds a lease this long (ms), renewed every third
   * of it; a console that cannot renew stops collecting when it runs out, and another takes over.
   */
  LEADER_LEASE_MS: z.coerce.number().int().min(600).max(60_000).default(3000),
  /** Chart history at full resolution is kept this long, then as per-minute averages for ROLLUP_RETENTION_DAYS. */
  RAW_RETENTION_HOURS: z.coerce.number().min(1).max(168).default(2),
  ROLLUP_RETENTION_DAYS: z.coerce.number().min(1).max(400).default(30),
  /** Alert fire and resolve notifications are POSTed here (Alertmanager webhook format). */
  ALERT_WEBHOOK_URL: z.url().optional(),
  /** Incident messages (Initial Alert, Update, Resolution) are posted here; Slack's incoming-webhook format. */
  SLACK_WEBHOOK_URL: z.url().optional(),
  /** Escalation pages are POSTed here: Switchyard's JSON, or PagerDuty Events v2 with PAGER_FORMAT=pagerduty. */
  PAGER_WEBHOOK_URL: z.url().optional(),
  PAGER_FORMAT: z.enum(["generic", "pagerduty"]).default("generic"),
  PAGERDUTY_ROUTING_KEY: z.string().min(1).optional(),
  /**
   * Pages to people's contact methods (server/notify/deliver-page.ts): PagerDuty's Events API v2 is POSTed at
   * `<PAGERDUTY_EVENTS_URL>/v2/enqueue` (default https://events.pagerduty.com; a stand-in in tests).
   */
  PAGERDUTY_EVENTS_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /**
   * The SMTP server email pages go through: smtp://[user:pass@]host[:port] (STARTTLS when the server offers it) or
   * smtps://… (TLS from the start). Unset: email contact methods are not delivered, and say so.
   */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  /** The From of email pages. */
  SMTP_FROM: z.string().trim().min(1).default("Switchyard <switchyard@localhost>"),
  /**
   * The signing secret of PagerDuty's v3 webhook subscription; several, comma-separated, while one is rotated. Unset:
   * POST /api/v1/integrations/pagerduty refuses everything.
   */
  PAGERDUTY_WEBHOOK_SECRET: z.string().trim().min(1).optional(),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** How long a risky action's request waits for its second person before it expires. */
  ACTION_APPROVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** Pre-flight of a promotion: the most WAL (bytes) it may lose, last known primary LSN minus the candidate's. */
  PROMOTE_MAX_LOSS_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 * 1024),
  /** Failed sign-ins allowed per account within the window before it is locked for the window. */
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
});

export type Env = z.infer<typeof envSchema> & { embeddedStore: boolean; demoUsers: boolean; strictProduction: boolean };

function parseEnv(): Env {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${describeIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const embeddedStore = !e.DATABASE_URL;
  return {
    ...e,
    embeddedStore,
    demoUsers: e.DEMO_USERS ?? embeddedStore,
    strictProduction: e.NODE_ENV === "production" && !embeddedStore,
  };
}

export const env: Env = parseEnv();
