import { z } from "zod";
import { cdnProviders } from "./cdn-providers";

/** The fleet file: what Switchyard watches and how it reaches each region. */

export const REGION_ID = /^[a-z]{2}-[a-z]+-\d+$/;

/** A host command run with execFile from a fixed argument list: never through a shell. */
export const hostCommandSchema = z.object({
  argv: z.array(z.string().min(1)).min(1),
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
});
export type HostCommand = z.infer<typeof hostCommandSchema>;

/**
 * How host commands reach a region's machine: on the console's own machine (a fleet beside the console, as
 * the lab without root), or over OpenSSH with a pinned known-hosts file and strict host key checking.
 */
const absolutePath = z.string().regex(/^\/[^\s"'\\]+$/, "must be an absolute path without spaces or quotes");

export const sshTransportSchema = z.object({
  kind: z.literal("ssh"),
  host: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,252})$/, "must be a host name or address"),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a user name"),
  /** the private key; must exist and be readable by its owner only */
  identityFile: absolutePath,
  /** the host's key, pinned: never trust-on-first-use */
  knownHostsFile: absolutePath,
  connectTimeoutSeconds: z.number().int().min(1).max(120).default(10),
});
export type SshTransport = z.infer<typeof sshTransportSchema>;
export const transportSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local") }),
  sshTransportSchema,
]);
export type Transport = z.infer<typeof transportSchema>;

export const regionConfigSchema = z.object({
  id: z.string().regex(REGION_ID, "must look like us-east-1"),
  displayName: z.string().min(1),
  role: z.enum(["primary", "replica"]),
  apiUrl: z.url(),
  postgres: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1),
    password: z.string().optional(),
    database: z.string().min(1).default("postgres"),
    /** The physical replication slot this server streams through (replicas). */
    slot: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .optional(),
  }),
  cdn: z.object({
    provider: z.enum(cdnProviders),
    enabled: z.boolean().default(true),
  }),
  /** How host commands (pg_ctl, the hooks) reach this region's machine; local when absent. */
  transport: transportSchema.default({ kind: "local" }),
  /** How actions reach this region's machinery. */
  hooks: z
    .object({
      /** Sets environment of the region API; KEY=VALUE arguments are appended. */
      setApiEnv: hostCommandSchema.optional(),
      /** Restarts the region API (the runbook's `systemctl restart clipper-api`). */
      restartApi: hostCommandSchema.optional(),
      /**
       * Cuts the region's database off when its host cannot be reached (your STONITH: revoke its security group,
       * power its VM off). Runs on the console's machine, never over the region's transport: it must work when
       * the region's host does not answer.
       */
      fence: hostCommandSchema.optional(),
      /**
       * A lab's fault injector, for drills (issue 13 part 6): Switchyard appends one argument, the fault's kind (one of
       * lib/drills.ts drillFaults), and runs it on the console's machine. A real fleet leaves it out: there a lead
       * starts the drill and people cause the fault.
       */
      injectFault: hostCommandSchema.optional(),
      /** Undoes a fault injectFault put in; the fault's kind is appended the same way. */
      clearFault: hostCommandSchema.optional(),
      /** Where this region's PostgreSQL server lives on its host, for pg_ctl, pg_rewind and pg_basebackup. */
      postgres: z
        .object({
          binDir: z.string().min(1),
          dataDir: z.string().min(1),
          /** where pg_ctl start sends the server's log (default: a file in the data directory) */
          logFile: z.string().min(1).optional(),
          runAsUser: z.string().optional(),
        })
        .optional(),
    })
    .default({}),
});
export type RegionConfig = z.infer<typeof regionConfigSchema>;

/** The physical replication slot a region's server streams through: the fleet file's, else its id with underscores (us_east_1). */
export function slotName(region: { id: string; postgres: { slot?: string } }): string {
  return region.postgres.slot ?? region.id.replace(/-/g, "_");
}

/** A geography of users (where the balancer sees them come from) and the region that serves it first. */
export const geographySchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be lower-case letters, digits and dashes, like europe"),
  displayName: z.string().min(1),
  home: z.string().regex(REGION_ID, "must look like us-east-1"),
});
export type Geography = z.infer<typeof geographySchema>;

/**
 * The global load balancer in front of the regions (the runbook's geo-routing + health-based failover). Switchyard
 * reads and changes it through its adapter (server/traffic/): HAProxy's runtime API for a self-hosted balancer.
 * Its backends and servers follow lib/balancer-layout.ts.
 */
export const balancerConfigSchema = z.object({
  kind: z.literal("haproxy"),
  /** the global entry point users reach (the runbook's https://api.clipper.gg); its /health is the global health check */
  frontendUrl: z.url(),
  /** HAProxy's runtime API (`stats socket … level admin`): a UNIX socket on the console's machine, or host and port */
  runtimeApi: z.union([
    z.strictObject({ socket: absolutePath }),
    z.strictObject({
      host: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,252})$/, "must be a host name or address"),
      port: z.number().int().min(1).max(65535),
    }),
  ]),
  geographies: z.array(geographySchema).min(1),
  /** where a geography's users go when its home region cannot serve them: the next region of this list that can */
  failoverOrder: z.array(z.string().regex(REGION_ID, "must look like us-east-1")).min(1),
  /** what synthetic users in each geography see (the lab's traffic generator's figures); absent: the balancer's own figures only */
  usersUrl: z.url().optional(),
});
export type BalancerConfig = z.infer<typeof balancerConfigSchema>;

export const fleetConfigSchema = z
  .object({
    version: z.literal(1),
    name: z.string().default("fleet"),
    /** True when the database tier is simulated (no PostgreSQL server binaries on the lab machine). */
    simulated: z.boolean().default(false),
    regions: z.array(regionConfigSchema).min(1),
    /** the global load balancer, when Switchyard reads and steers it */
    balancer: balancerConfigSchema.optional(),
  })
  .superRefine((fleet, ctx) => {
    const ids = new Set<string>();
    fleet.regions.forEach((r, i) => {
      if (ids.has(r.id))
        ctx.addIssue({ code: "custom", path: ["regions", i, "id"], message: `duplicate region id ${r.id}` });
      ids.add(r.id);
    });
    const primaries = fleet.regions.filter((r) => r.role === "primary").length;
    if (primaries !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["regions"],
        message: `exactly one region must be primary, found ${primaries}`,
      });
    const balancer = fleet.balancer;
    if (balancer) {
      const named = (id: string, path: (string | number)[]) => {
        if (!ids.has(id)) ctx.addIssue({ code: "custom", path, message: `${id} is not a region of this fleet` });
      };
      balancer.geographies.forEach((g, i) => named(g.home, ["balancer", "geographies", i, "home"]));
      balancer.failoverOrder.forEach((id, i) => named(id, ["balancer", "failoverOrder", i]));
      if (
        new Set(balancer.failoverOrder).size !== balancer.failoverOrder.length ||
        balancer.failoverOrder.length !== ids.size
      )
        ctx.addIssue({
          code: "custom",
          path: ["balancer", "failoverOrder"],
          message: "must list every region of the fleet exactly once",
        });
      if (new Set(balancer.geographies.map((g) => g.id)).size !== balancer.geographies.length)
        ctx.addIssue({ code: "custom", path: ["balancer", "geographies"], message: "geography ids must be unique" });
    }
  });
export type FleetConfig = z.infer<typeof fleetConfigSchema>;

/** Turns zod issues into "regions.1.apiUrl: Invalid URL" lines that name the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("\n");
}

export function parseFleetConfig(json: unknown, source: string): FleetConfig {
  const parsed = fleetConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid fleet file ${source}:\n${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
