import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";
import { primaryDownVerdict } from "@/lib/reachability";
import { describeSightings, observeDatabase } from "@/server/fleet/observe";
import { closeServer, openServer, sessionState } from "../executors/sql";
import { now, primaryOf } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import { Plan } from "../plan";
import { describeState, followUpstream, promote, PROMOTE_SESSION, recordAsPrimary, statesOf } from "./db-common";
import { fenceUnlessStopped, promoteReplica, type OldPrimary } from "./db-promote-replica";
import { apiHealth, hooksProblem, reconfigurePlan, setApiEnv } from "./region-api";
import { hostReachable } from "./host-reachable";
import { apisWriteTo, dbEnv, repoint } from "./db-repoint-app";

/**
 * The runbook's manual failover as one plan under one approval: the old primary down or fenced → promote the
 * replica → repoint every region API → verify the new primary. The other replicas are pointed at the candidate
 * while it is promoted (they cascade from it, then follow it onto its new timeline: the lab's primaries commit
 * only once a standby has the write), the repoint starts the moment the promotion verifies and the APIs restart
 * side by side: the region APIs cannot write only for the promotion and one restart.
 */

const STEPS = (old: string, candidate: string) => [
  { key: "old-primary", title: `${old} is down or fenced`, region: old },
  { key: "promote", title: `Promote ${candidate}`, region: candidate },
  { key: "repoint", title: `Repoint the region APIs at ${candidate}` },
  { key: "verify", title: `Verify ${candidate} as the primary` },
];

export const failover: ActionModule<"db.failover"> = {
  id: "db.failover",

  validate({ candidate, regions }, ctx) {
    return promoteReplica.validate?.({ region: candidate }, ctx) ?? hooksProblem(ctx, regions);
  },

  async preflight({ candidate, regions }, ctx) {
    const [promotion, hosts] = await Promise.all([
      promoteReplica.preflight({ region: candidate }, ctx),
      hostReachable(regions.map((id) => ctx.region(id))),
    ]);
    return [...promotion, ...hosts];
  },

  propose: (checks) => promoteReplica.propose?.(checks) ?? null,

  plan({ candidate, regions }, ctx) {
    const old = primaryOf(ctx);
    const [fence, promoteCall, leaves, ...adopt] = promoteReplica.plan({ region: candidate }, ctx);
    const follow = adopt.slice(0, -1).join("; ") || "no other replica to point at it";
    return [
      `1. ${old.id} down or fenced: ${fence}; stop here if it still accepts writes; meanwhile write each region API's new DB_HOST and DB_PORT (taken only at its restart; set back if the plan stops before the repoint)`,
      `2. promote ${candidate} (stop here unless it is a replica with replay running): ${promoteCall}; ${leaves}; meanwhile ${follow} (they cascade from it until it is promoted)`,
      `3. repoint every region API at ${candidate}, side by side, each as soon as its DB_HOST is written: ${regions.flatMap((id) => reconfigurePlan(ctx.region(id), {})).join("; ")}; meanwhile ${adopt.at(-1)}; wait until every API writes to ${candidate}`,
      `4. verify: ${candidate} out of recovery, a test write, recorded as the primary, the other replicas streaming from it`,
    ];
  },

  async execute({ candidate, regions }, ctx) {
    const old = primaryOf(ctx);
    const c = ctx.region(candidate);
    const apis = regions.map((id) => ctx.region(id));
    // Each API's new DB_HOST is written ahead, from the start (it takes effect only at the restart), so the repoint
    // is one restart per API, each as soon as its own is written. A plan that stops before the repoint puts the old
    // one back.
    const envs = apis.map((r) => setApiEnv(ctx, r, dbEnv(c)));
    envs.forEach((e) => e.catch(() => undefined)); // the repoint awaits each and reports its failure
    let followed = Promise.resolve(false); // whether the other replicas were pointed at the candidate
    const plan = new Plan(ctx, STEPS(old.id, candidate), async (key) => {
      if (key === "old-primary" || key === "promote") await putEnvBack(ctx, envs, apis, old);
      return aftermath(ctx, key, old, c, apis, await followed);
    });

    // The promotion's own session, opened beside step 1: under a failover's load a connection takes ~100 ms.
    const session = openServer(c, ...PROMOTE_SESSION);
    session.catch(() => undefined); // step 2's pre-flight reports it
    let following: Promise<void>;
    try {
      await plan.step("old-primary", {
        percent: [2, 15],
        run: () => fenceUnlessStopped(ctx, old),
        verify: async (found) => [await oldPrimaryCheck(ctx, old, found)],
      });

      // The old primary takes no writes: the other replicas are pointed at the candidate beside the promotion, so
      // its first commit need not wait for a standby to find it.
      following = followUpstream(ctx, c); // the repoint awaits it and reports its failure
      followed = following.then(
        () => true,
        () => false,
      );

      await plan.step("promote", {
        percent: [15, 45],
        preflight: async () => {
          const s = await sessionState(session);
          return [
            check(
              "candidate-replica",
              `${candidate} is a replica with WAL replay running`,
              s.up && s.inRecovery && !s.replayPaused,
              describeState(s),
            ),
          ];
        },
        run: async () => promote(ctx, c, await session),
        // read on the promotion's own session, after its write: a fresh connection costs the repoint's start
        verify: async ({ write, after: s }) => [
          check(
            "not-in-recovery",
            `pg_is_in_recovery() = false on ${candidate}`,
            s.up && !s.inRecovery,
            describeState(s),
          ),
          check("test-write", `a test write on ${candidate} succeeds`, true, `write_check #${write.id} at ${write.at}`),
        ],
      });
    } finally {
      void session.then(closeServer, () => undefined);
    }

    await plan.step("repoint", {
      percent: [45, 90],
      run: () => Promise.all([repoint(ctx, c, apis, 45, 85, envs), following.then(() => recordAsPrimary(ctx, c))]),
      verify: () => apisWriteTo(ctx, c, apis),
    });

    await plan.step("verify", {
      percent: [90, 99],
      run: async () => undefined,
      verify: async () => promoteReplica.verify({ region: candidate }, await now(ctx), undefined),
    });
  },

  // the run's own verification: the new primary as step 4 checks it, and every API writing to it
  async verify({ candidate, regions }, ctx) {
    const c = ctx.region(candidate);
    const [primary, apis] = await Promise.all([
      promoteReplica.verify({ region: candidate }, ctx, undefined),
      apisWriteTo(
        ctx,
        c,
        regions.map((id) => ctx.region(id)),
      ),
    ]);
    return [...primary, ...apis];
  },
};

/** Step 1's verification: the old primary takes no writes (stopped, fenced, or answering as a non-primary). */
async function oldPrimaryCheck(ctx: RunContext, old: RegionConfig, found: OldPrimary) {
  const label = `${old.id} takes no writes: stopped, fenced, or not a primary`;
  if (found.is === "answers") return check("old-primary-down", label, !found.acceptsWrites, found.observed);
  if (found.is !== "unfenced") return check("old-primary-down", label, true, found.observed);
  // not fenced: most vantages must still fail to reach it and none see it take writes, as the pre-flight judged
  const seen = await observeDatabase(ctx.fleet, old.id);
  const verdict = primaryDownVerdict(seen);
  return check(
    "old-primary-down",
    label,
    verdict.down,
    `${found.observed}; ${verdict.reason}. ${describeSightings(seen)}`,
  );
}

/** A plan stopped before the repoint: each API's DB_HOST and DB_PORT name the old primary again (none was restarted). */
async function putEnvBack(ctx: RunContext, envs: Promise<unknown>[], apis: RegionConfig[], old: RegionConfig) {
  await Promise.allSettled(envs);
  const back = await Promise.allSettled(apis.map((r) => setApiEnv(ctx, r, dbEnv(old))));
  back.forEach((b, i) => {
    if (b.status === "rejected")
      ctx.log(`${apis[i]!.id}: could not set DB_HOST back to ${old.id}: ${(b.reason as Error).message}`, "stderr");
  });
}

/** Where a stopped plan leaves the fleet, read live, and what to do next. */
async function aftermath(
  ctx: RunContext,
  key: string,
  old: RegionConfig,
  candidate: RegionConfig,
  apis: RegionConfig[],
  /** the other replicas were pointed at the candidate */
  followed: boolean,
): Promise<string> {
  const [states, healths] = await Promise.all([
    statesOf(ctx.fleet.regions),
    Promise.all(apis.map((r) => apiHealth(r))),
  ]);
  const servers = ctx.fleet.regions.map((r) => `${r.id} ${describeState(states.get(r.id)!)}`).join("; ");
  const writing = apis.map((r, i) => {
    const h = healths[i];
    return `${r.id} API ${h ? (h.db?.writable ? `writes (database port ${h.dbPort ?? "?"})` : "cannot write") : "does not answer"}`;
  });
  const now = `The fleet now: ${servers}. ${writing.join("; ")}.`;
  const next: Record<string, string> = {
    "old-primary": `Nothing was promoted, and no region API was touched. If ${old.id} takes writes it is alive: switch over (db.switchover), or fence it (db.fence-primary) and request the failover again.`,
    promote: `No region API was touched (their DB_HOST, written ahead for ${candidate.id}, names ${old.id} again); ${followed ? `the other replicas stream from ${candidate.id}, which relays what it has` : `the other replicas could not all be pointed at ${candidate.id} (see the log)`}. Request the failover again with another replica, or look at ${candidate.id}'s server log.`,
    repoint: `${candidate.id} is the primary. Repoint the APIs that do not write to it (db.repoint-app, primary ${candidate.id}).`,
    verify: `${candidate.id} takes writes and the APIs point at it. A replica that does not stream from it needs db.recreate-slot or db.rebuild-replica.`,
  };
  return `${now} Next: ${next[key] ?? "read the steps above."}`;
}
