import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "@/lab/wait";
import { startTestPostgres, type TestPostgres } from "@/tests/support/postgres-server";
import { PostgresProbe } from "./db-probe";

/**
 * The collector's held connection to a region's server, on a real PostgreSQL server: a connection ended alone (an
 * administrator's pg_terminate_backend) is no outage, while a stopping server, which ends every connection, is
 * reported down from the witness connection's own ending, without waiting for a new connection to be refused.
 */

let server: TestPostgres;
let admin: pg.Client;
let probe: PostgresProbe;
let breaks = 0;

const collectorBackends = async () =>
  (
    await admin.query<{ pid: number }>(
      "select pid from pg_stat_activity where application_name = 'switchyard-collector' order by backend_start",
    )
  ).rows.map((r) => r.pid);

// probing as the collector does, which (re)opens the witness beside a working held connection
const twoHeld = () =>
  waitFor(
    "the held connection and its witness",
    async () => (await probe.probe(1_000)).up && (await collectorBackends()).length === 2,
    { timeoutMs: 10_000, intervalMs: 20 },
  );

const brokeAgain = (before: number) =>
  waitFor("the held connection to break", () => breaks > before, { timeoutMs: 10_000, intervalMs: 10 });

beforeAll(async () => {
  server = await startTestPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  probe = new PostgresProbe(
    { host: "127.0.0.1", port: server.port, user: "postgres", database: "postgres" },
    () => breaks++,
  );
}, 60_000);

afterAll(async () => {
  probe?.close();
  await admin?.end().catch(() => undefined);
  await server?.stop();
});

it("keeps a region up when one of its connections is terminated, and reports a fast stop from the witness", async () => {
  expect(await probe.probe(1_000)).toMatchObject({ up: true, inRecovery: false });
  await twoHeld();
  const [held, witness] = await collectorBackends(); // the witness opens once the held connection works

  // The held connection alone, while idle: the witness still answers, so the probe connects anew.
  let before = breaks;
  await admin.query("select pg_terminate_backend($1)", [held]);
  await brokeAgain(before);
  expect(await probe.probe(1_000)).toMatchObject({ up: true });

  // The witness alone: the held connection answers as ever, and a new witness is opened.
  await admin.query("select pg_terminate_backend($1)", [witness]);
  expect(await probe.probe(1_000)).toMatchObject({ up: true });
  await twoHeld();

  // The held connection again, asked at once (its ending may arrive mid-question): still up.
  const [newWitness] = await collectorBackends();
  expect(newWitness).not.toBe(witness);
  const [, newHeld] = await collectorBackends();
  await admin.query("select pg_terminate_backend($1)", [newHeld]);
  expect(await probe.probe(1_000)).toMatchObject({ up: true });
  await twoHeld();

  // A fast stop ends both. 57P01 comes only on a connection that was open: a new one would be refused
  // (57P03 while the server stops, ECONNREFUSED after), so this verdict is the witness's.
  await admin.end();
  before = breaks;
  await server.halt("fast");
  await brokeAgain(before);
  expect(await probe.probe(1_000)).toMatchObject({ up: false, errorCode: "57P01" });
  // said once: the next probe connects anew, and is refused
  const next = await probe.probe(1_000);
  expect(next.up).toBe(false);
  expect(next.up === false && next.errorCode).not.toBe("57P01");

  await server.resume();
  await waitFor("the probe to find the server up again", async () => (await probe.probe(1_000)).up, {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}, 120_000);
