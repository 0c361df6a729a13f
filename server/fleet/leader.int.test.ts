import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, inject, it } from "vitest";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";
import { regionView } from "@/tests/support/fleet-fixtures";

/**
 * The collector lease on a real PostgreSQL store: one leader at a time, a frozen leader (SIGSTOP, as a long
 * pause or a hung event loop would) loses it to a standby once it expires, and its writes after it thaws
 * are refused: the figures of two leaders never mix.
 */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
const LEASE_MS = 1500;

const { Leadership, FencedError } = await import("@/server/fleet/leader");
const { writeSamples } = await import("@/server/fleet/sample-store");
const { getDb } = await import("@/server/db");
const { notice } = await import("@/server/events/bus");

let child: ChildProcess | undefined;
const standby = new Leadership(
  () => undefined,
  () => undefined,
  { leaseMs: LEASE_MS, holder: "standby-in-test" },
);

afterAll(async () => {
  if (child?.exitCode === null) {
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
  standby.stop();
  await (await getDb()).close();
});

const sample = (region: string) => ({ ...regionView(region).sample!, at: new Date().toISOString() });
const termOf = async (region: string) =>
  (await (await getDb()).query<{ term: number }>("select term from region_status where region_id = $1", [region]))
    .rows[0]?.term;

it("hands the lease to a standby within 2 s of a frozen leader's expiry, and refuses the old leader's writes after it thaws", async () => {
  let out = "";
  child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.resolve("tests/support/lease-child.ts")],
    {
      env: { ...process.env, LEASE_MS: String(LEASE_MS), REGION: "us-east-1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const oldTerm = Number(await waitFor("the child to lead", () => /LEAD (\d+)/.exec(out)?.[1], { timeoutMs: 30_000 }));
  await waitFor("the child to write under its term", () => out.includes(`WROTE ${oldTerm}`), { timeoutMs: 10_000 });

  // While the leader renews, a standby never takes over: two whole leases go by.
  standby.start();
  const renewing = Date.now();
  await waitFor("two leases to pass", () => Date.now() - renewing > 2 * LEASE_MS, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  expect(standby.leading).toBe(false);
  expect(await termOf("us-east-1")).toBe(oldTerm);

  // Frozen: it cannot renew. The standby leads once the lease has expired, with the next term.
  child.kill("SIGSTOP");
  const frozenAt = Date.now();
  await waitFor("the standby to lead", () => standby.holds(), { timeoutMs: LEASE_MS + 5_000, intervalMs: 20 });
  const tookOverMs = Date.now() - frozenAt;
  expect(tookOverMs).toBeLessThanOrEqual(LEASE_MS + 2_000);
  expect(standby.term).toBe(oldTerm + 1);
  await writeSamples([sample("us-east-1")], [sample("us-east-1")], standby);
  expect(await termOf("us-east-1")).toBe(oldTerm + 1);

  // Thawed: it steps down, and nothing it makes from then on lands. (A write the store took before the
  // freeze may still be reported as WROTE: its answer was waiting in the socket.)
  const thawedAt = out.length;
  child.kill("SIGCONT");
  await waitFor("the old leader to step down", () => out.slice(thawedAt).includes("LOST"), { timeoutMs: 10_000 });
  expect(out.slice(thawedAt)).toMatch(/REFUSED|LOST/);
  expect(await termOf("us-east-1")).toBe(oldTerm + 1);
  const db = await getDb();
  const madeAfterFreeze = await db.query("select 1 from region_samples where term = $1 and at >= $2", [
    oldTerm,
    new Date(frozenAt),
  ]);
  expect(madeAfterFreeze.rowCount).toBe(0);
  expect((await db.query("select 1 from region_samples where term = $1", [oldTerm])).rowCount).toBeGreaterThan(0);
  // It bids again like any standby, and does not get the lease while the new leader renews.
  await waitFor("a lease to pass", () => Date.now() - frozenAt > tookOverMs + LEASE_MS, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  expect(out.slice(thawedAt)).not.toMatch(/LEAD \d+/);
});

it("refuses, at the store, a write whose term no longer leads even if its writer still thinks it holds the lease", async () => {
  const db = await getDb();
  const { rows } = await db.query<{ term: number; holder: string }>("select term, holder from collector_lease");
  const current = rows[0]!;
  const before = await db.query("select sample from region_status where region_id = 'eu-west-1'");
  // A write prepared by the previous term, arriving after the takeover: its local check passed a moment ago.
  const late = { holder: "a-console-that-was-paused", term: current.term - 1, holds: () => true };
  await expect(writeSamples([sample("eu-west-1")], [sample("eu-west-1")], late)).rejects.toBeInstanceOf(FencedError);
  const after = await db.query("select sample from region_status where region_id = 'eu-west-1'");
  expect(after.rows).toEqual(before.rows);
  expect(
    (await db.query("select 1 from region_samples where region_id = 'eu-west-1' and term = $1", [late.term])).rowCount,
  ).toBe(0);
});

it("tells the other consoles in the write itself: a stored sample is heard on the store's channel, a refused one is not", async () => {
  const db = await getDb();
  const current = (await db.query<{ term: number }>("select term from collector_lease")).rows[0]!;
  const [channel, payload] = notice("fleet");
  const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const heard: string[] = [];
  other.on("notification", (n) => heard.push(n.payload ?? ""));
  await other.connect();
  try {
    await other.query(`listen ${channel}`);
    const late = { holder: "a-console-that-was-paused", term: current.term - 1, holds: () => true };
    await expect(writeSamples([sample("ap-southeast-1")], [], late)).rejects.toBeInstanceOf(FencedError);
    await writeSamples([sample("ap-southeast-1")], [sample("ap-southeast-1")], standby);
    // Notices arrive in commit order: once the stored write's is here, a notice of the refused one would be too.
    await waitFor("the stored write's notice", () => heard.length > 0, { timeoutMs: 10_000, intervalMs: 20 });
    expect(heard).toEqual([payload]);
  } finally {
    await other.end();
  }
});
