import "server-only";
import { serverLogOf } from "../executors/host";
import { withServer } from "../executors/sql";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule } from "../module";
import { hasPostgresHooks, host, pgCtl, slotOf, streamingFrom } from "./db-common";
import { until } from "../wait";
import { hostReachable } from "./host-reachable";

type SlotRow = { active: boolean; wal_status: string | null; restart_lsn: string | null };

async function slotState(primary: Parameters<typeof withServer>[0], slot: string): Promise<SlotRow | null> {
  return withServer(
    primary,
    async (c) =>
      (
        await c.query<SlotRow>(
          "select active, wal_status, restart_lsn::text from pg_replication_slots where slot_name = $1",
          [slot],
        )
      ).rows[0] ?? null,
  );
}

/** The runbook's "If slot inactive, recreate": drop it on the primary, create it reserving WAL, restart the replica. */
export const recreateSlot: ActionModule<"db.recreate-slot"> = {
  id: "db.recreate-slot",

  validate({ replica }, ctx) {
    const problem = unknownRegion(ctx, replica);
    if (problem) return problem;
    if (primaryOf(ctx).id === replica) return `${replica} is the primary; pick a replica`;
    return hasPostgresHooks(ctx, replica)
      ? null
      : `${replica} has no hooks.postgres in the fleet file, so its server cannot be restarted`;
  },

  async preflight({ replica }, ctx) {
    const primary = primaryOf(ctx);
    const slot = slotOf(ctx.region(replica));
    const [state, hosts] = await Promise.all([
      slotState(primary, slot).then(
        (s) => ({ ok: true as const, s }),
        (e: Error) => ({ ok: false as const, error: e.message }),
      ),
      hostReachable([ctx.region(replica)]),
    ]);
    return [
      check("primary-answers", `the primary ${primary.id} answers`, state.ok, state.ok ? "answers" : state.error),
      check(
        "slot-inactive",
        `slot ${slot} on ${primary.id} is inactive or missing`,
        state.ok && !state.s?.active,
        !state.ok
          ? "unknown"
          : state.s
            ? `${state.s.active ? "ACTIVE" : "inactive"}, wal_status ${state.s.wal_status ?? "?"}, restart_lsn ${state.s.restart_lsn ?? "none"}`
            : "missing",
      ),
      ...hosts,
    ];
  },

  plan({ replica }, ctx) {
    const primary = primaryOf(ctx);
    const slot = slotOf(ctx.region(replica));
    return [
      `on ${primary.id}: SELECT pg_drop_replication_slot('${slot}') (if it exists)`,
      `on ${primary.id}: SELECT pg_create_physical_replication_slot('${slot}', true)`,
      `pg_ctl -D <data> restart -m fast on ${replica}`,
    ];
  },

  async execute({ replica }, ctx) {
    const primary = primaryOf(ctx);
    const r = ctx.region(replica);
    const slot = slotOf(r);
    await withServer(primary, async (c) => {
      const dropped = await c.query(
        "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and not active",
        [slot],
      );
      ctx.log(
        dropped.rowCount
          ? `dropped slot ${slot} on ${primary.id}`
          : `no inactive slot ${slot} on ${primary.id} to drop`,
      );
      await c.query("select pg_create_physical_replication_slot($1, true)", [slot]);
      ctx.log(`created slot ${slot} on ${primary.id}, reserving WAL from now`);
    });
    ctx.progress(50, `restarting ${replica}`);
    await host(ctx, r, pgCtl(r, "-m", "fast", "-w", "-t", "60", "-l", serverLogOf(r), "restart"));
  },

  async verify({ replica }, ctx) {
    const primary = primaryOf(ctx);
    const slot = slotOf(ctx.region(replica));
    const streaming = await until(
      `${replica} to stream through ${slot}`,
      async () => (await streamingFrom(primary)).has(slot),
      20_000,
      ctx.signal,
      200,
    ).catch(() => false);
    const s = await slotState(primary, slot).catch(() => null);
    return [
      check(
        "slot-active",
        `${replica} streams through slot ${slot}`,
        streaming && !!s?.active,
        s ? `slot ${s.active ? "active" : "inactive"}, restart_lsn ${s.restart_lsn}` : "slot missing",
      ),
    ];
  },
};
