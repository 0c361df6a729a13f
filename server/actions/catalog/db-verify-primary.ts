import "server-only";
import { serverState } from "../executors/sql";
import { unknownRegion } from "../fleet-context";
import { check, type ActionModule } from "../module";
import { describeState, testWrite, where } from "./db-common";

/** The runbook's `SELECT pg_is_in_recovery();` (should return f), and a real write. */
export const verifyPrimary: ActionModule<"db.verify-primary"> = {
  id: "db.verify-primary",
  validate: ({ region }, ctx) => unknownRegion(ctx, region),

  async preflight({ region }, ctx) {
    const s = await serverState(ctx.region(region));
    return [check("reachable", `${region}'s database answers`, s.up, describeState(s))];
  },

  plan: ({ region }, ctx) => [
    `SELECT pg_is_in_recovery() on ${where(ctx.region(region))}`,
    `INSERT INTO switchyard_probe.write_check on ${region}`,
  ],

  async execute({ region }, ctx) {
    ctx.log(`asking ${where(ctx.region(region))}`);
  },

  async verify({ region }, ctx) {
    const r = ctx.region(region);
    const s = await serverState(r);
    const write = await testWrite(r, ctx.runId).then(
      (w) => ({ ok: true, text: `write_check #${w.id} at ${w.at}` }),
      (e: Error) => ({ ok: false, text: e.message }),
    );
    return [
      check(
        "not-in-recovery",
        `pg_is_in_recovery() = false on ${region}`,
        s.up && !s.inRecovery,
        s.up ? `pg_is_in_recovery() = ${s.inRecovery ? "t" : "f"}; ${describeState(s)}` : describeState(s),
      ),
      check("test-write", `a test write on ${region} succeeds`, write.ok, write.text),
    ];
  },
};
