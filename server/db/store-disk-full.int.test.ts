import { execFileSync } from "node:child_process";
import {
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { freePorts } from "@/lab/ports";
import { waitFor } from "@/lab/wait";
import { storeFullMessage } from "@/lib/store-status";
import { freshDatabase } from "@/tests/support/fresh-database";
import { postgresAccount, startTestPostgres, type TestPostgres } from "@/tests/support/postgres-server";

/**
 * A full disk under the store. A throwaway PostgreSQL server keeps its data on a small tmpfs of its own, which the
 * test fills with a plain file: writes that need room fail with one clear, typed error (SQLSTATE 53100 → "The
 * store's disk is full: nothing was saved …") and leave nothing half-written; the collector keeps running and says
 * so once per interval, not on every pass; once the file is gone, the same writes succeed and samples flow again.
 *
 * The server's WAL lives beside its socket, off the full volume, and no checkpoint falls inside the test: a server
 * that cannot write WAL or a checkpoint stops itself and restarts (store-restart.int.test.ts covers a restarting
 * store); what is tested here is the console's side of a full data volume.
 *
 * Mounting a tmpfs needs root (CI runs as root).
 */

const root = process.getuid?.() === 0;
const mountDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-full-volume-"));
const serverDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-full-store-"));
const fleetFile = path.join(serverDir, "fleet.json");
const filler = path.join(mountDir, "filler");
let mounted = false;
let server: TestPostgres | null = null;
let db: Awaited<ReturnType<typeof import("@/server/db").getDb>> | null = null;
let stopCollector = () => {};

/** Twenty regions whose APIs refuse connections: the collector writes twenty unhealthy samples (and history points) a second. */
async function writeFleetFile() {
  const ports = await freePorts(20);
  const regions = ports.map((port, i) => ({
    id: `zz-full-${i + 1}`,
    displayName: `Full ${i + 1}`,
    role: i === 0 ? "primary" : "replica",
    apiUrl: `http://127.0.0.1:${port}`,
    postgres: { host: "127.0.0.1", port, user: "postgres" },
    cdn: { provider: "cloudflare" },
  }));
  writeFileSync(fleetFile, JSON.stringify({ version: 1, name: "full-volume", simulated: true, regions }));
}

/** Writes zeros into a plain file on the store's volume until the volume has no room left. */
function fillVolume() {
  const fd = openSync(filler, "w");
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
}

const serverLogErrors = () =>
  (readFileSync(path.join(serverDir, "server.log"), "utf8").match(/No space left on device/g) ?? []).length;

beforeAll(async () => {
  if (!root)
    throw new Error(
      "store-disk-full.int.test.ts needs root: it mounts a small tmpfs (mount -t tmpfs) for a throwaway PostgreSQL store's data and fills it. Run the integration tests as root, as CI does.",
    );
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", mountDir]);
  mounted = true;
  const { uid, gid } = postgresAccount();
  chownSync(mountDir, uid, gid);
  server = await startTestPostgres({
    dir: serverDir,
    dataDir: path.join(mountDir, "data"),
    initdbArgs: ["--wal-segsize=1", `--waldir=${path.join(serverDir, "wal")}`],
    settings: { checkpoint_timeout: "1d", max_wal_size: "1GB", autovacuum: "off" },
  });
  await writeFleetFile();
  process.env.DATABASE_URL = await freshDatabase(server.url);
  process.env.FLEET_CONFIG = fleetFile;
  process.env.POLL_INTERVAL = "500";
  delete process.env.ALERT_WEBHOOK_URL;
  db = await (await import("@/server/db")).getDb();
}, 120_000);

afterAll(async () => {
  stopCollector();
  await db?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
  if (mounted) execFileSync("umount", ["--lazy", mountDir]);
  rmSync(mountDir, { recursive: true, force: true });
  rmSync(serverDir, { recursive: true, force: true });
}, 60_000);

it("refuses writes with one clear error and nothing half-written, keeps collecting calmly, and writes again once there is room", async () => {
  const { insertUser } = await import("@/server/auth/users");
  const incidents = await import("@/server/incidents/incident-service");
  const { toActionResult } = await import("@/server/boundary");
  const { ServiceError } = await import("@/server/errors");
  const { verifyAuditChain } = await import("@/server/audit/verify-audit");
  const { leadingCollector } = await import("@/tests/support/collector-lease");
  const store = db!;
  const lead = await store.transaction((tx) => insertUser(tx, { email: "lead@full.test", name: "lead", role: "lead" }));
  const caller = { kind: "user", user: lead } as const;
  const incident = await incidents.declareIncident(lead, {
    title: "A full volume",
    scenarioId: null,
    severity: "P3",
    leadId: lead.id,
  });
  await incidents.addNote(lead, incident.id, { text: "written while there was room" });

  const logged: string[] = [];
  const spy = vi
    .spyOn(console, "error")
    .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  const collector = await leadingCollector();
  stopCollector = () => {
    collector.stop();
    spy.mockRestore();
  };
  await waitFor(
    "the collector to write every region",
    async () => (await store.query("select 1 from region_status")).rowCount === 20,
    { timeoutMs: 20_000 },
  );

  fillVolume();
  const countRows = async () =>
    (
      await store.query<{ audit: number; events: number }>(
        "select (select count(*) from audit_log) as audit, (select count(*) from incident_events) as events",
      )
    ).rows[0]!;
  const before = await countRows();

  // A post-mortem needs new pages (its text goes to TOAST): refused, typed, in plain words, and nothing of it written.
  const postmortem = Array.from({ length: 3000 }, () => Math.random().toString(36).slice(2))
    .join(" ")
    .slice(0, 90_000);
  const refused = await incidents.savePostmortem(lead, incident.id, { markdown: postmortem }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(ServiceError);
  expect(refused).toMatchObject({ code: "store_full", shown: storeFullMessage, status: 507 });
  expect((refused as Error).message).toMatch(/No space left on device/);
  // As a server action answers it: the sentence, never the path or the errno.
  expect(await toActionResult(() => incidents.savePostmortem(lead, incident.id, { markdown: postmortem }))).toEqual({
    ok: false,
    code: "store_full",
    message: storeFullMessage,
  });
  expect((await incidents.getIncident(caller, incident.id)).incident.postmortem ?? null).toBeNull();
  expect(await countRows()).toEqual(before);

  // Notes go on until the pages they fit in are full; each one acknowledged is kept, and the first refused is the same clear error.
  const acknowledged: string[] = [];
  const firstRefusal = await waitFor(
    "a note to be refused for want of room",
    async () => {
      const text = `note ${acknowledged.length + 1} on a filling volume`;
      try {
        await incidents.addNote(lead, incident.id, { text });
        acknowledged.push(text);
        return undefined;
      } catch (err) {
        return err;
      }
    },
    { timeoutMs: 60_000, intervalMs: 0 },
  );
  expect(firstRefusal).toMatchObject({ code: "store_full", shown: storeFullMessage });

  // The collector keeps going: its writes fail again and again (the store logs each), while it says so once per ten seconds.
  const collectorLines = () => logged.filter((l) => l.startsWith("[collector] could not store samples"));
  await waitFor("the collector to say the store is full", () => collectorLines().some((l) => /disk is full/.test(l)), {
    timeoutMs: 30_000,
  });
  const storeErrorsThen = serverLogErrors();
  await waitFor("the collector to try four more writes", () => serverLogErrors() >= storeErrorsThen + 4, {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  expect(collectorLines().length, collectorLines().join("\n")).toBeLessThanOrEqual(2);
  expect(logged.filter((l) => /unexpected|uncaught/i.test(l))).toEqual([]);

  // Room again: the same writes succeed, samples flow, and the record is whole.
  unlinkSync(filler);
  const freedAt = Date.now();
  await incidents.savePostmortem(lead, incident.id, { markdown: postmortem });
  await incidents.addNote(lead, incident.id, { text: "written once there was room again" });
  await waitFor(
    "the collector to write samples again",
    async () => {
      const r = await store.query<{ t: Date | null }>("select min(checked_at) as t from region_status");
      return (r.rows[0]?.t?.getTime() ?? 0) > freedAt;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const detail = await incidents.getIncident(caller, incident.id);
  expect(detail.incident.postmortem).toBe(postmortem);
  const timeline = detail.events.map((e) => e.message);
  for (const text of ["written while there was room", ...acknowledged, "written once there was room again"])
    expect(timeline, text).toContain(text);
  expect(await verifyAuditChain(store)).toMatchObject({ ok: true });
  console.log(
    `[store-disk-full] ${acknowledged.length} notes fitted after the volume filled; the collector logged ${collectorLines().length} line(s) for ${serverLogErrors()} refused writes`,
  );
}, 180_000);
