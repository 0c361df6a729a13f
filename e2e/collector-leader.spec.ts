import type { Browser, BrowserContext, Page } from "@playwright/test";
import pg from "pg";
import { injectFault } from "../lab/index";
import { freshDatabase } from "../tests/support/fresh-database";
import { startTestPostgres } from "../tests/support/postgres-server";
import { IncidentNewPage } from "./pages/incident-new-page";
import { OverviewPage } from "./pages/overview-page";
import { SignInPage } from "./pages/sign-in-page";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";
import { createAdmin } from "./support/operator-command";
import { expect, labDir, test } from "./fixtures";

/**
 * Several consoles on one PostgreSQL store, as behind a load balancer: whichever one a person reaches
 * serves the live fleet, nothing stale passes for current, and a frozen leader loses its lease.
 */

const POLL_MS = 500;
/** Production on a PostgreSQL store needs a token for /metrics; the scrapes below carry it. */
const METRICS_TOKEN = "m3tr1cs-t0ken-f0r-the-e2e-run";
const scrapeHeaders = { authorization: `Bearer ${METRICS_TOKEN}` };
/** Every console on the store, and user:create, sign the audit chain with one key. */
const AUDIT_KEY = "a-shared-audit-key-for-the-e2e-run-0123456789";
// Longer than the stale bound (3 polls, at least 2 s), so the moments when nobody collects can be seen and checked.
const LEASE_MS = 6000;
const ACCOUNT = { email: "first-admin@switchyard.test", password: "correct horse battery staple" };

type Health = {
  status: string;
  collector: string;
  term: number | null;
  sampleAgeSeconds: number | null;
  staleRegions: string[];
  staleAfterSeconds: number;
};
type Regions = { regions: { id: string; status: string | null; checkedAt: string | null }[] };

const health = async (c: ConsoleProcess) => (await (await fetch(`${c.baseURL}/api/health`)).json()) as Health;
const role = async (c: ConsoleProcess) => (await health(c)).collector;

async function signedIn(
  browser: Browser,
  c: ConsoleProcess,
  contexts: BrowserContext[],
): Promise<{ page: Page; overview: OverviewPage }> {
  const context = await browser.newContext({ baseURL: c.baseURL });
  contexts.push(context);
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(ACCOUNT.email, ACCOUNT.password);
  await expect(page).toHaveURL(/\/$/);
  const overview = new OverviewPage(page);
  await overview.expectLoaded();
  return { page, overview };
}

test("two consoles on one store: the standby serves the live fleet, a frozen leader loses its lease, stale is never shown as healthy", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const server = await startTestPostgres();
  const consoles: ConsoleProcess[] = [];
  const store = new pg.Client({ connectionString: await freshDatabase(server.url) });
  const contexts: BrowserContext[] = [];
  let frozen: ConsoleProcess | undefined;
  try {
    await store.connect();
    const env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${server.port}/${store.database}`,
      NEXTAUTH_SECRET: "q8Vt2xLw9Rk4Zp7Bn3Hs6Df1Gj5Mc0Ya",
      METRICS_TOKEN,
      AUDIT_KEY,
      LAB_DIR: labDir(),
      POLL_INTERVAL: String(POLL_MS),
      LEADER_LEASE_MS: String(LEASE_MS),
    };
    for (let i = 0; i < 2; i++) {
      const c = await startConsole(env);
      consoles.push(c);
      await waitUntilServing(c);
    }
    await expect
      .poll(async () => (await Promise.all(consoles.map(role))).sort(), { timeout: 20_000 })
      .toEqual(["leading", "standby"]);
    const leader = (await role(consoles[0]!)) === "leading" ? consoles[0]! : consoles[1]!;
    const standby = leader === consoles[0] ? consoles[1]! : consoles[0]!;

    // The first account, from a shell, signs in on both consoles.
    expect(await createAdmin(ACCOUNT, { DATABASE_URL: env.DATABASE_URL, AUDIT_KEY })).toContain(
      `created ${ACCOUNT.email} (admin)`,
    );
    const onLeader = await signedIn(browser, leader, contexts);
    const { page, overview } = await signedIn(browser, standby, contexts);
    const api = page.request;
    const regions = async () => (await (await api.get("/api/v1/health/regions")).json()) as Regions;

    // The standby's answers move with every poll: fresh samples, not the snapshot of its start. (generatedAt
    // is the moment of each answer; the sample times are what a frozen standby would repeat.)
    await expect
      .poll(async () => (await regions()).regions.every((r) => r.status === "healthy"), { timeout: 30_000 })
      .toBe(true);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await regions()).regions.find((x) => x.id === "us-east-1")!.checkedAt!);
          return seen.size;
        },
        { timeout: 10_000, intervals: [POLL_MS] },
      )
      .toBeGreaterThanOrEqual(4);
    expect(await health(standby)).toMatchObject({ status: "ok", collector: "standby", staleRegions: [] });

    // An incident declared on the leader shows on the standby's open overview without a reload (its own
    // refetch would take 30 s): incidents fan out through the store like the fleet.
    await expect(page.getByTestId("no-incidents")).toBeVisible();
    const declared = await new IncidentNewPage(onLeader.page).declareSimple("Declared on the other console");
    await expect(
      page.getByTestId("incident-in-flight").filter({ hasText: "Declared on the other console" }),
    ).toHaveAttribute("data-id", String(declared), { timeout: 5_000 });

    // A stopped primary reaches the standby's viewers within two seconds of the stop returning (the bench measures
    // how fast: `npm run bench -- --only viewers`), and so does its recovery; the lab is healed whatever happens.
    await overview.expectStatus("us-east-1", "healthy");
    let shownMs = 0;
    try {
      await injectFault("us-east-1", "db-down", { labDir: labDir() });
      const landed = Date.now();
      await overview.expectStatus("us-east-1", "unhealthy", 5_000);
      shownMs = Date.now() - landed;
      expect(shownMs, "db-down shown on the standby's overview").toBeLessThanOrEqual(2_000);
      await expect(page.getByTestId("firing-alert").filter({ hasText: "us-east-1" }).first()).toBeVisible();
    } finally {
      await injectFault("us-east-1", "recover", { labDir: labDir() });
    }
    for (const id of ["us-east-1", "eu-west-1", "ap-southeast-1"]) await overview.expectStatus(id, "healthy", 30_000);

    // The leader freezes, as in a long pause: nobody collects until its lease expires, and meanwhile the
    // standby says stale everywhere, never healthy.
    const oldTerm = (await health(leader)).term!;
    expect(oldTerm).toBeGreaterThan(0);
    process.kill(leader.pid, "SIGSTOP");
    frozen = leader;
    const frozenAt = Date.now();
    await expect
      .poll(async () => (await regions()).regions.map((r) => r.status), { timeout: LEASE_MS, intervals: [100] })
      .toEqual(["stale", "stale", "stale"]);
    const staleAfterMs = Date.now() - frozenAt;
    const h = await health(standby);
    expect(h).toMatchObject({
      status: "degraded",
      collector: "standby",
      staleRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
    });
    expect(h.sampleAgeSeconds!).toBeGreaterThan(h.staleAfterSeconds);
    const metrics = await (await fetch(`${standby.baseURL}/metrics`, { headers: scrapeHeaders })).text();
    expect(metrics).not.toContain("region_health_status{");
    expect(metrics).toContain('switchyard_region_stale{region="us-east-1"} 1');
    await expect(overview.status("us-east-1")).toHaveAttribute("data-status", "stale");
    await expect(overview.region("us-east-1").getByTestId("stale-notice")).toContainText("Stale since");
    await expect(page.getByTestId("alerts-unevaluated")).toBeVisible();

    // The standby leads within two seconds of the lease's expiry, under the next term, and the fleet is current again.
    await expect.poll(() => role(standby), { timeout: LEASE_MS + 5_000, intervals: [100] }).toBe("leading");
    const tookOverMs = Date.now() - frozenAt;
    expect(tookOverMs, "takeover after the freeze").toBeLessThanOrEqual(LEASE_MS + 2_000);
    const newTerm = (await health(standby)).term!;
    expect(newTerm).toBeGreaterThan(oldTerm);
    await overview.expectStatus("us-east-1", "healthy", 10_000);
    expect((await health(standby)).status).toBe("ok");

    // Thawed, the old leader writes nothing more and stands by.
    const thawedAt = new Date();
    process.kill(leader.pid, "SIGCONT");
    frozen = undefined;
    await expect.poll(() => role(leader), { timeout: 10_000 }).toBe("standby");
    expect(leader.output()).toMatch(/\[collector\] standing by: /);
    const oldWrites = await store.query("select 1 from region_samples where term = $1 and at >= $2", [
      oldTerm,
      thawedAt,
    ]);
    expect(oldWrites.rowCount).toBe(0);
    expect(
      (await store.query<{ term: string }>("select distinct term from region_status")).rows.map((r) => Number(r.term)),
    ).toEqual([newTerm]);
    // And the old leader, a standby now, serves what the new one collects.
    await expect.poll(async () => (await health(leader)).status, { timeout: 10_000 }).toBe("ok");
    test
      .info()
      .annotations.push(
        { type: "db-down on the standby's page", description: `${shownMs} ms` },
        { type: "stale on the standby after the freeze", description: `${staleAfterMs} ms` },
        { type: "takeover after the freeze", description: `${tookOverMs} ms (lease ${LEASE_MS} ms)` },
      );
  } finally {
    if (frozen) process.kill(frozen.pid, "SIGCONT");
    // Open pages hold event streams, which a console waits for when it stops.
    await Promise.all(contexts.map((c) => c.close()));
    consoles.forEach((c) => c.stop());
    await store.end().catch(() => undefined);
    await Promise.all(consoles.map((c) => c.exited));
    await server.stop();
  }
});

test("a killed leader's lease passes to the other console", async () => {
  test.setTimeout(120_000);
  const server = await startTestPostgres();
  const consoles: ConsoleProcess[] = [];
  const store = new pg.Client({ connectionString: await freshDatabase(server.url) });
  try {
    await store.connect();
    const env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${server.port}/${store.database}`,
      NEXTAUTH_SECRET: "q8Vt2xLw9Rk4Zp7Bn3Hs6Df1Gj5Mc0Ya",
      METRICS_TOKEN,
      AUDIT_KEY,
      LAB_DIR: labDir(),
      POLL_INTERVAL: String(POLL_MS),
    };
    for (let i = 0; i < 2; i++) {
      const c = await startConsole(env);
      consoles.push(c);
      await waitUntilServing(c);
    }
    await expect
      .poll(async () => (await Promise.all(consoles.map(role))).sort(), { timeout: 20_000 })
      .toEqual(["leading", "standby"]);
    const leader = (await role(consoles[0]!)) === "leading" ? consoles[0]! : consoles[1]!;
    const standby = leader === consoles[0] ? consoles[1]! : consoles[0]!;
    const lastCheck = async () =>
      (await store.query<{ t: Date | null }>("select max(checked_at) as t from region_status")).rows[0]!.t?.getTime() ??
      0;
    await expect.poll(lastCheck, { timeout: 15_000 }).toBeGreaterThan(0);
    // The standby serves the fleet the leader collects.
    await expect
      .poll(
        async () =>
          (await (await fetch(`${standby.baseURL}/metrics`, { headers: scrapeHeaders })).text()).includes(
            'region_health_status{region="us-east-1",status="healthy"} 1',
          ),
        { timeout: 15_000 },
      )
      .toBe(true);

    process.kill(leader.pid, "SIGKILL");
    const killedAt = Date.now();
    // The default lease is 3 s: the standby leads within two seconds of its expiry.
    await expect.poll(() => role(standby), { timeout: 10_000, intervals: [100] }).toBe("leading");
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThanOrEqual(3_000 + 2_000);
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
