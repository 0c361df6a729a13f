import type { Role } from "../roles";

/**
 * The runbook actions Switchyard runs for its users: what each is called, what it takes, how risky it is, who
 * may ask for it and how it is undone. Their parameters' schemas are in ./action-params; how each one runs lives
 * in server/actions/catalog/.
 */

export const actionIds = [
  "db.failover",
  "db.failback",
  "db.promote-replica",
  "db.fence-primary",
  "db.switchover",
  "db.repoint-app",
  "db.verify-primary",
  "db.recreate-slot",
  "db.rebuild-replica",
  "cdn.disable",
  "cdn.enable",
  "cdn.switch-provider",
  "cdn.rollout",
  "mirrors.test-failover",
  "mirrors.resync",
  "mirrors.cleanup",
  "traffic.drain-region",
  "traffic.restore-region",
  "traffic.set-weights",
] as const;
export type ActionId = (typeof actionIds)[number];

export const isActionId = (v: string): v is ActionId => (actionIds as readonly string[]).includes(v);

/** Low-risk actions run when an engineer asks; high-risk ones wait for a second person (a lead or admin). */
export type Risk = "low" | "high";

/** One input of the request form. */
export type ParamField =
  | { name: string; label: string; kind: "region" | "replica" | "primary-region"; help?: string }
  | { name: string; label: string; kind: "regions"; help?: string }
  | { name: string; label: string; kind: "provider"; help?: string }
  | { name: string; label: string; kind: "region-or-all"; help?: string }
  | { name: string; label: string; kind: "hold-seconds"; help?: string }
  /** a geography of users of the fleet's balancer */
  | { name: string; label: string; kind: "geography"; help?: string }
  /** a weight (0–256) per region, in one geography's backend */
  | { name: string; label: string; kind: "weights"; help?: string }
  /** at once, or the home weight in steps (lib/actions/traffic-plan restoreStepChoices) */
  | { name: string; label: string; kind: "restore-steps"; help?: string }
  /** one number of seconds */
  | { name: string; label: string; kind: "seconds"; help?: string }
  /** what a rollout does when its analysis fails (lib/actions/rollout-analysis rolloutFailurePolicies) */
  | { name: string; label: string; kind: "rollout-on-failure"; help?: string };

export interface ActionMeta {
  id: ActionId;
  title: string;
  summary: string;
  risk: Risk;
  /** the least role that may request it */
  role: Role;
  fields: ParamField[];
  /** how to undo it, or why it cannot be undone */
  reverse: string;
  /** the whole execution, verification excluded, must finish within this */
  timeoutMs: number;
  /** what it holds while it runs: two actions on one target never run at once */
  target: (params: never) => string;
  /** pausable and abortable while it runs */
  controllable?: boolean;
}

/** Every traffic action changes the one global balancer: two never run at once. */
const globalTraffic = () => "traffic:global";

const allRegions = (p: { regions: string[] }) => `api:${[...p.regions].sort().join(",")}`;

export const actionCatalog: Record<ActionId, ActionMeta> = {
  "db.failover": {
    id: "db.failover",
    title: "Fail over to a replica (the whole plan)",
    summary:
      "One plan under one approval: the old primary down or fenced, promote the replica, repoint every region API at it (side by side, the moment the promotion verifies), verify the new primary. It stops at the first step that fails and says where the fleet stands.",
    risk: "high",
    role: "engineer",
    fields: [
      {
        name: "candidate",
        label: "Replica to promote",
        kind: "replica",
        help: "The most advanced replica loses least.",
      },
      { name: "regions", label: "Region APIs to repoint", kind: "regions" },
    ],
    reverse:
      "Cannot be undone: the old primary's timeline ends here. Fail back with db.failback (rebuild it as a replica, then switch over).",
    timeoutMs: 180_000,
    target: () => "db:cluster",
  },
  "db.failback": {
    id: "db.failback",
    title: "Fail back to the old primary (the whole plan)",
    summary:
      "The way back after a failover, as one plan: rebuild the server as a replica of the current primary (skipped when it streams already), wait until it has caught up, then switch over to it without loss.",
    risk: "high",
    role: "engineer",
    fields: [{ name: "region", label: "Server to make the primary again", kind: "region" }],
    reverse: "Switch over again (db.switchover) to the primary it replaced.",
    timeoutMs: 600_000,
    target: () => "db:cluster",
  },
  "db.promote-replica": {
    id: "db.promote-replica",
    title: "Promote a replica to primary",
    summary:
      "pg_promote() on the chosen replica; it accepts writes on a new timeline. The other replicas are pointed at it.",
    risk: "high",
    role: "engineer",
    fields: [{ name: "region", label: "Replica to promote", kind: "replica" }],
    reverse:
      "Cannot be undone: the old primary's timeline ends here. Fail back with db.failback (rebuild it as a replica, then switch over).",
    timeoutMs: 90_000,
    target: () => "db:cluster",
  },
  "db.fence-primary": {
    id: "db.fence-primary",
    title: "Fence a primary",
    summary:
      "Makes sure a primary takes no more writes: pg_ctl stop -m immediate on its host when the host answers over SSH, else the fleet file's fence hook (cut its network, power it off). Verified by no vantage reaching it.",
    risk: "high",
    role: "engineer",
    fields: [
      {
        name: "region",
        label: "Server to fence",
        kind: "region",
        help: "The old primary, before a promotion; or the one that is not the recorded primary when two accept writes.",
      },
    ],
    reverse:
      "Start it again only as a replica: rebuild it with db.rebuild-replica (after lifting the fence hook's cut, if it was used).",
    timeoutMs: 60_000,
    target: () => "db:cluster",
  },
  "db.switchover": {
    id: "db.switchover",
    title: "Switch over the primary (planned, lossless)",
    summary:
      "Checkpoint and stop the primary cleanly, wait until the candidate has received its final WAL, promote the candidate, repoint every region API, and rejoin the old primary as a replica.",
    risk: "high",
    role: "engineer",
    fields: [{ name: "candidate", label: "New primary", kind: "replica" }],
    reverse: "Switch over again with the old primary as the candidate.",
    timeoutMs: 240_000,
    target: () => "db:cluster",
  },
  "db.repoint-app": {
    id: "db.repoint-app",
    title: "Repoint region APIs at the primary",
    summary:
      "Sets each region API's DB_HOST (and port) to the primary and restarts it: the runbook's export DB_HOST=…; systemctl restart clipper-api.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "primary", label: "Primary to point at", kind: "primary-region" },
      { name: "regions", label: "Region APIs", kind: "regions" },
    ],
    reverse: "Repoint again at the previous primary (only if it still accepts writes).",
    timeoutMs: 120_000,
    target: allRegions,
  },
  "db.verify-primary": {
    id: "db.verify-primary",
    title: "Verify the primary",
    summary: "pg_is_in_recovery() is false and a test write succeeds.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "region", label: "Region", kind: "primary-region" }],
    reverse: "Nothing to undo: it reads, and writes one row to switchyard_probe.write_check.",
    timeoutMs: 15_000,
    target: (p: { region: string }) => `verify:${p.region}`,
  },
  "db.recreate-slot": {
    id: "db.recreate-slot",
    title: "Recreate a replication slot",
    summary:
      "Drops the replica's physical slot on the primary (when inactive), creates it again reserving WAL, and restarts the replica's WAL receiver.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "replica", label: "Replica", kind: "replica" }],
    reverse: "Nothing to undo; the replica streams through the new slot. If it fell too far behind, rebuild it.",
    timeoutMs: 60_000,
    target: (p: { replica: string }) => `db:${p.replica}`,
  },
  "db.rebuild-replica": {
    id: "db.rebuild-replica",
    title: "Rebuild a server as a replica",
    summary:
      "Stops the server, rewinds it onto the primary's timeline with pg_rewind (falling back to a fresh pg_basebackup), and starts it as a streaming replica.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "region", label: "Server to rebuild", kind: "region" },
      { name: "source", label: "Primary to follow", kind: "primary-region" },
    ],
    reverse: "Cannot be undone: rewound WAL is discarded (pg_basebackup keeps the old data directory aside).",
    timeoutMs: 300_000,
    target: (p: { region: string }) => `db:${p.region}`,
  },
  "cdn.disable": {
    id: "cdn.disable",
    title: "Disable the CDN (serve directly)",
    summary:
      "Sets CDN_ENABLED=false on each region API and restarts it. Direct serving is expensive: watch the bandwidth costs.",
    risk: "high",
    role: "engineer",
    fields: [{ name: "regions", label: "Region APIs", kind: "regions" }],
    reverse: "Run cdn.enable on the same regions.",
    timeoutMs: 120_000,
    target: allRegions,
  },
  "cdn.enable": {
    id: "cdn.enable",
    title: "Enable the CDN",
    summary: "Sets CDN_ENABLED=true on each region API and restarts it.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "regions", label: "Region APIs", kind: "regions" }],
    reverse: "Run cdn.disable on the same regions.",
    timeoutMs: 120_000,
    target: allRegions,
  },
  "cdn.switch-provider": {
    id: "cdn.switch-provider",
    title: "Switch the CDN provider",
    summary: "Sets CDN_PROVIDER on each region API and restarts it.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "provider", label: "Provider", kind: "provider" },
      { name: "regions", label: "Region APIs", kind: "regions" },
    ],
    reverse: "Switch back to the previous provider (recorded in this run's output).",
    timeoutMs: 120_000,
    target: allRegions,
  },
  "cdn.rollout": {
    id: "cdn.rollout",
    title: "Roll out a new CDN provider gradually",
    summary:
      "Sends 10 %, then 50 %, then 100 % of traffic to the new provider, holding at each step while an analysis watches the new provider's hit rate and the error rate; pausable, and abortable back to the previous provider. A failed analysis pauses it (or rolls it back) and pages.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "provider", label: "New provider", kind: "provider" },
      { name: "regions", label: "Region APIs", kind: "regions" },
      {
        name: "holdSeconds",
        label: "Hold at 10 % and at 50 % (seconds)",
        kind: "hold-seconds",
        help: "The runbook holds 1 h at 10 % and 2 h at 50 %.",
      },
      {
        name: "onFailure",
        label: "If the analysis fails",
        kind: "rollout-on-failure",
        help: "During each hold the new provider's cache hit rate must stay at or above the CDN cache hit rate alert threshold, and the region APIs' error rate must not rise. Either way the team is paged.",
      },
    ],
    reverse: "Abort while it runs (back to the previous provider), or switch back with cdn.switch-provider.",
    timeoutMs: 2 * 86_400_000 + 600_000,
    target: allRegions,
    controllable: true,
  },
  "mirrors.test-failover": {
    id: "mirrors.test-failover",
    title: "Test mirror failover",
    summary:
      "POST /v1/mirrors/test-failover: the region's mirror requests are served by another region's mirror for a moment.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "region", label: "Region API", kind: "region" }],
    reverse: "Nothing to undo: the test ends by itself.",
    timeoutMs: 30_000,
    target: (p: { region: string }) => `mirrors:${p.region}`,
  },
  "mirrors.resync": {
    id: "mirrors.resync",
    title: "Re-sync mirrors",
    summary: "POST /v1/admin/mirrors/resync for all regions or one, and follow its progress.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "region", label: "Regions", kind: "region-or-all" }],
    reverse: "Nothing to undo: a re-sync copies what the mirrors should hold.",
    timeoutMs: 180_000,
    target: (p: { region: string }) => `mirrors:${p.region}`,
  },
  "mirrors.cleanup": {
    id: "mirrors.cleanup",
    title: "Expire old mirrors",
    summary: "POST /v1/admin/mirrors/cleanup: force-expires mirrored clips past their time.",
    risk: "low",
    role: "engineer",
    fields: [{ name: "region", label: "Region API", kind: "region" }],
    reverse: "Cannot be undone: expired clips are mirrored again on demand or by a re-sync.",
    timeoutMs: 60_000,
    target: (p: { region: string }) => `mirrors:${p.region}`,
  },
  "traffic.drain-region": {
    id: "traffic.drain-region",
    title: "Drain a region (move its users away)",
    summary:
      "Puts the region's servers in the global balancer in drain state in every geography: requests under way finish there, new users go to the next region of their geography's failover order. Refused when no other region could serve.",
    risk: "high",
    role: "engineer",
    fields: [{ name: "region", label: "Region to drain", kind: "region" }],
    reverse: "Run traffic.restore-region on the same region (at once, or in steps).",
    timeoutMs: 90_000,
    target: globalTraffic,
  },
  "traffic.restore-region": {
    id: "traffic.restore-region",
    title: "Restore a region's traffic",
    summary:
      "Puts the region back to ready in the global balancer and gives its home geography back to it: at once, or in steps of its home weight (25 → 50 → 100) shared with the region serving it meanwhile, holding at each and checking the users' errors; pausable, and abortable back to where it started.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "region", label: "Region to restore", kind: "region" },
      {
        name: "steps",
        label: "How",
        kind: "restore-steps",
        help: "In steps, the home geography is split by weight between this region and the one serving it now; users' errors are checked at each step.",
      },
      {
        name: "holdSeconds",
        label: "Hold at each step (seconds)",
        kind: "seconds",
        help: "Only for a restore in steps.",
      },
    ],
    reverse:
      "Run traffic.drain-region on the same region; while a restore in steps holds, abort it to go back to where it started.",
    timeoutMs: 5 * 86_400_000 + 600_000,
    target: globalTraffic,
    controllable: true,
  },
  "traffic.set-weights": {
    id: "traffic.set-weights",
    title: "Set a geography's region weights",
    summary:
      "Sets the weight (0–256) of each region's server in the geography's backend of the global balancer: its users are split between the regions in proportion. At least one region that is up needs a weight above 0.",
    risk: "high",
    role: "engineer",
    fields: [
      { name: "geography", label: "Geography", kind: "geography" },
      {
        name: "weights",
        label: "Weight per region (0–256)",
        kind: "weights",
        help: "As the balancer's layout has it, the home region weighs 100 and the others 0. A region at 0 takes none of these users.",
      },
    ],
    reverse:
      "Set the weights back (the previous ones are in this run's output), or run traffic.restore-region on the home region.",
    timeoutMs: 60_000,
    target: globalTraffic,
  },
};

export function targetOf(actionId: ActionId, params: unknown): string {
  return (actionCatalog[actionId].target as (p: unknown) => string)(params);
}
