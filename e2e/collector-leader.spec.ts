import pg from "pg";
import { freshDatabase } from "../tests/support/fresh-database";
import { startTestPostgres } from "../tests/support/postgres-server";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";
import { expect, labDir, test } from "./fixtures";

const role = async (c: ConsoleProcess) => ((await (await fetch(`${c.baseURL}/api/health`)).json()) as { collector: string }).collector;

test("two consoles on one PostgreSQL store run one collector, and the other takes over when the leader is killed", async () => {
  test.setTimeout(120_000);
  const server = await startTestPostgres();
  const consoles: ConsoleProcess[] = [];
  const store = new pg.Client({ connectionString: await freshDatabase(server.url) });
  try {
    await store.connect();
    const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${server.port}/${store.database}`, NEXTAUTH_SECRET: "q8Vt2xLw9Rk4Zp7Bn3Hs6Df1Gj5Mc0Ya", LAB_DIR: labDir(), POLL_INTERVAL: "500" };
    for (let i = 0; i < 2; i++) {
      const c = await startConsole(env);
      consoles.push(c);
      await waitUntilServing(c);
    }
    await expect.poll(async () => (await Promise.all(consoles.map(role))).sort(), { timeout: 15_000 }).toEqual(["leading", "standby"]);

    const leader = (await role(consoles[0]!)) === "leading" ? consoles[0]! : consoles[1]!;
    const standby = leader === consoles[0] ? consoles[1]! : consoles[0]!;
    const lastCheck = async () => (await store.query<{ t: Date | null }>("select max(checked_at) as t from region_status")).rows[0]!.t?.getTime() ?? 0;
    await expect.poll(lastCheck, { timeout: 15_000 }).toBeGreaterThan(0);
    // The standby serves the fleet the leader collects.
    expect(await (await fetch(`${standby.baseURL}/metrics`)).text()).toContain('region_health_status{region="us-east-1",status="healthy"} 1');

    process.kill(leader.pid, "SIGKILL");
    const killedAt = Date.now();
    await expect.poll(() => role(standby), { timeout: 10_000, intervals: [100] }).toBe("leading");
    const tookOverMs = Date.now() - killedAt;
    // And it collects: the store's latest check moves past the moment of the kill.
    await expect.poll(lastCheck, { timeout: 10_000 }).toBeGreaterThan(killedAt);
    test.info().annotations.push({ type: "takeover", description: `${tookOverMs} ms` });
  } finally {
    consoles.forEach((c) => c.stop());
    await store.end().catch(() => undefined);
    await Promise.all(consoles.map((c) => c.exited));
    await server.stop();
  }
});
