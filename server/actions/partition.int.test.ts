import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  injectNetworkFault,
  labStatus,
  regionPg,
  resetLab,
  startLab,
  type LabStatus,
  type RegionId,
} from "@/lab/index";
import { controlRequest } from "@/lab/api-process";
import { pgQuery } from "@/lab/postgres";
import { waitFor } from "@/lab/wait";
import type { ActionRun } from "@/lib/actions/run";
import type { RegionSample } from "@/lib/fleet-sample";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * The runbook's "verify the primary is down → promote a replica" under real partitions of the lab network:
 * the console tells a partition from an outage, refuses a promotion that would make two primaries, fences an
 * isolated primary and promotes without losing an acknowledged write; when the old primary comes back, the
 * "two primaries" alert fires and it takes no write. A standby console learns the new primary within a second.
 * Runs at the default poll interval.
 */

const labDir = await ownLabAndStore("partition");

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { leadingCollector } = await import("@/tests/support/collector-lease");
type User = import("@/server/auth/users").User;

let engineer: User, lead: User, lead2: User;
let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let watcher: ChildProcess | undefined;
let watcherOut = "";
let lab: LabStatus;
const key = () => `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const caller = () => ({ kind: "user" as const, user: lead });
const onNetwork = () => lab.network !== null;

interface ApiHealth {
  db: { writable: boolean; lastAckedSeq: number | null; lastAckedAt: string | null; consecutiveFailures: number };
}
/** A region API's own health through the lab's control socket: what it really acknowledged, whatever the network. */
const apiTruth = async (id: RegionId) =>
  (await controlRequest(labDir, id, "GET", "/health", undefined, 5_000)).body as ApiHealth;

async function regionRow(id: string): Promise<{ status: string; reasons: string[]; sample: RegionSample } | undefined> {
  const r = await (
    await getDb()
  ).query<{ status: string; reasons: string[]; sample: RegionSample }>(
    "select status, reasons, sample from region_status where region_id = $1",
    [id],
  );
  return r.rows[0];
}
const firing = async () =>
  (
    await (
      await getDb()
    ).query<{ rule_id: string; labels: Record<string, string> }>(
      "select rule_id, labels from alerts where state = 'firing'",
    )
  ).rows;

async function finished(id: number, timeoutMs = 120_000): Promise<ActionRun> {
  return waitFor(
    `action #${id} to finish`,
    async () => {
      const run = await svc.getAction(caller(), id);
      return run.status !== "running" && run.status !== "pending" ? run : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
async function succeeded(run: ActionRun): Promise<ActionRun> {
  const done = await finished(run.id);
  const detail = await svc.getAction(caller(), run.id);
  expect(
    done.status,
    `#${run.id} ${done.actionId}: ${done.error}\n${detail.output.map((l) => l.text).join("\n")}`,
  ).toBe("succeeded");
  expect(done.verification?.ok, JSON.stringify(done.verification)).toBe(true);
  return done;
}
/** Requested by the engineer, approved by a lead when it is high risk: an action run to its verified end. */
async function run(
  actionId: "db.fence-primary" | "db.promote-replica" | "db.repoint-app" | "db.rebuild-replica" | "db.verify-primary",
  params: Record<string, unknown>,
): Promise<ActionRun> {
  const requested = await svc.requestAction(engineer, { actionId, params, idempotencyKey: key() } as never);
  expect(
    requested.preflight.filter((c) => !c.ok),
    `${actionId} pre-flight`,
  ).toEqual([]);
  if (requested.status === "pending") await svc.approveAction(lead, requested.id, { paramsHash: requested.paramsHash });
  return succeeded(requested);
}

const inRecovery = async (id: RegionId) =>
  (await pgQuery<{ r: boolean }>(regionPg(labDir, id), "select pg_is_in_recovery() as r"))[0]!.r;

async function allHealthy(): Promise<void> {
  await waitFor(
    "every region healthy",
    async () => {
      const rows = await Promise.all(lab.regions.map((r) => regionRow(r.id)));
      return rows.every((r) => r?.status === "healthy" && r.sample.reachability?.verdict === "reachable");
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead, lead2] = await Promise.all([
    mk("eng@p.test", "engineer"),
    mk("lead@p.test", "lead"),
    mk("lead2@p.test", "lead"),
  ]);
  collector = await leadingCollector();
  if (onNetwork()) await allHealthy();
}, 180_000);

afterAll(async () => {
  watcher?.kill("SIGKILL");
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

it("runs the lab in network namespaces as root, or says network faults are unavailable", () => {
  if (process.getuid?.() === 0) expect(lab.networkFaults).toBe("available");
  else expect(lab.networkFaults).toMatchObject({ unavailable: expect.any(String) });
});

describe.runIf(process.getuid?.() === 0)("partitions and split-brain safety", () => {
  it("a console-only partition is a partition, not an outage: the promotion is refused and nothing changes", async () => {
    await injectNetworkFault("partition", "us-east-1", "console", { labDir });
    try {
      const row = await waitFor(
        "us-east-1 to read as partitioned from the console",
        async () => {
          const r = await regionRow("us-east-1");
          return r?.sample.reachability?.verdict === "partitioned-from-console" ? r : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(row.status).toBe("degraded");
      // us-east-1's own API sits behind the same cut: its last report (it reaches its database) counts until it
      // ages out, so for the first moments of the partition it is named too.
      expect(row.reasons[0]).toMatch(
        /^us-east-1 is unreachable from the console only; (us-east-1, )?eu-west-1 and ap-southeast-1 reach it — a network partition, not an outage$/,
      );
      await waitFor(
        "the console-only alert",
        async () =>
          (await firing()).some(
            (a) => a.rule_id === "region-unreachable-from-console" && a.labels.region === "us-east-1",
          ),
        { timeoutMs: 15_000 },
      );
      expect((await firing()).filter((a) => a.rule_id === "region-unhealthy")).toEqual([]);

      const promote = await svc.requestAction(engineer, {
        actionId: "db.promote-replica",
        params: { region: "eu-west-1" },
        idempotencyKey: key(),
      });
      const refusing = promote.preflight.find((c) => c.id === "primary-fenced")!;
      expect(refusing).toMatchObject({ ok: false, confirm: "us-east-1" });
      expect(refusing.observed).toMatch(
        /^eu-west-1 and ap-southeast-1 still see us-east-1 accept writes: promoting now would make two primaries\./,
      );
      expect(refusing.observed).toMatch(/console: cannot reach it \(/);
      expect(refusing.observed).toMatch(/eu-west-1 API: reaches it, it accepts writes/);
      expect(
        (await svc.previewAction(engineer, { actionId: "db.promote-replica", params: { region: "eu-west-1" } }))
          .proposal,
      ).toMatchObject({ actionId: "db.fence-primary" });

      await expect(svc.approveAction(lead, promote.id, { paramsHash: promote.paramsHash })).rejects.toMatchObject({
        code: "precondition_failed",
      });
      await expect(
        svc.overridePreflight(lead, promote.id, { reason: "the console is cut off, promote anyway" }),
      ).rejects.toMatchObject({ code: "invalid", message: expect.stringMatching(/type us-east-1/) });
      await expect(
        svc.overridePreflight(lead, promote.id, {
          reason: "the console is cut off, promote anyway",
          confirm: "eu-west-1",
        }),
      ).rejects.toMatchObject({ code: "invalid" });
      const db = await getDb();
      expect(
        Number(
          (await db.query<{ n: string }>("select count(*) as n from audit_log where action = 'action.override'"))
            .rows[0]!.n,
        ),
      ).toBe(0);
      expect((await svc.getAction(caller(), promote.id)).status).toBe("pending");
      await svc.cancelAction(engineer, promote.id);
      expect(await inRecovery("eu-west-1")).toBe(true);
      expect(await inRecovery("us-east-1")).toBe(false);
    } finally {
      await injectNetworkFault("heal", undefined, undefined, { labDir });
    }
    await allHealthy();
  }, 120_000);

  it("a primary cut off from the other regions reads as such, reachable from the console", async () => {
    await injectNetworkFault("partition", "us-east-1", "regions", { labDir });
    try {
      const cut =
        "us-east-1 is reachable from the console but not from eu-west-1 and ap-southeast-1 — their replication and writes to it are cut";
      const row = await waitFor(
        "us-east-1 to read as cut off from both other regions",
        async () => {
          const r = await regionRow("us-east-1");
          return r?.sample.reachability?.verdict === "partitioned-from-regions" && r.reasons.includes(cut)
            ? r
            : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(row.status).toBe("degraded");
      const preview = await svc.previewAction(engineer, {
        actionId: "db.promote-replica",
        params: { region: "eu-west-1" },
      });
      expect(preview.preflight.find((c) => c.id === "primary-fenced")).toMatchObject({
        ok: false,
        observed: expect.stringMatching(/still see us-east-1 accept writes/),
      });
    } finally {
      await injectNetworkFault("heal", undefined, undefined, { labDir });
    }
    await allHealthy();
  }, 120_000);

  it("isolated primary: detected, fenced, the most advanced replica promoted and the APIs repointed with no acknowledged write lost; healed, the old one fires 'two primaries' and takes no write", async () => {
    await waitFor(
      "every API to have written heartbeats",
      async () =>
        (await Promise.all(lab.regions.map((r) => apiTruth(r.id)))).every((h) => (h.db.lastAckedSeq ?? 0) > 2),
      { timeoutMs: 20_000 },
    );
    watcher = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.resolve("tests/support/primary-watcher-child.ts")],
      { env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    watcher.stdout!.on("data", (d) => (watcherOut += d));
    watcher.stderr!.on("data", (d) => (watcherOut += d));
    await waitFor("the standby console to hold the primary", () => watcherOut.includes("PRIMARY us-east-1"), {
      timeoutMs: 30_000,
    });

    const isolatedAt = Date.now();
    await injectNetworkFault("isolate", "us-east-1", undefined, { labDir });
    const row = await waitFor(
      "the isolated primary to be detected",
      async () => {
        const r = await regionRow("us-east-1");
        return r?.status === "unhealthy" && r.sample.reachability?.verdict === "unreachable" ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    console.log(`isolated primary detected after ${Date.now() - isolatedAt} ms`);
    expect(row.reasons.join("\n")).toMatch(
      /us-east-1 is unreachable from every vantage that answers \(the console, eu-west-1, ap-southeast-1\): down or isolated/,
    );
    // Shown as what it was when last read, with that time, never as current.
    expect(row.sample.lastUp).toMatchObject({ db: { up: true, inRecovery: false } });
    expect(Date.parse(row.sample.lastUp!.at)).toBeLessThan(Date.parse(row.sample.at));

    // What each API was told had landed, once none can write any more (the isolated primary commits nothing
    // that no standby has: its own API's writes wait, unacknowledged).
    const acked = new Map<RegionId, { seq: number; at: string }>();
    await waitFor(
      "every API's writes to stall",
      async () =>
        (await Promise.all(lab.regions.map((r) => apiTruth(r.id)))).every((h) => h.db.consecutiveFailures > 0),
      { timeoutMs: 20_000 },
    );
    for (const r of lab.regions) {
      const h = await apiTruth(r.id);
      acked.set(r.id, { seq: h.db.lastAckedSeq!, at: h.db.lastAckedAt! });
    }

    const fence = await run("db.fence-primary", { region: "us-east-1" });
    expect((await svc.getAction(caller(), fence.id)).output.map((l) => l.text).join("\n")).toMatch(
      /the fleet file's fence hook/,
    );

    const received = async (id: RegionId) =>
      (await pgQuery<{ lsn: string }>(regionPg(labDir, id), "select pg_last_wal_receive_lsn()::text as lsn"))[0]!.lsn;
    const [eu, ap] = await Promise.all([received("eu-west-1"), received("ap-southeast-1")]);
    const ahead = (
      await pgQuery<{ ap: boolean }>(regionPg(labDir, "eu-west-1"), "select $1::pg_lsn > $2::pg_lsn as ap", [ap, eu])
    )[0]!.ap;
    const candidate: RegionId = ahead ? "ap-southeast-1" : "eu-west-1";
    const other: RegionId = candidate === "eu-west-1" ? "ap-southeast-1" : "eu-west-1";
    const promoted = await run("db.promote-replica", { region: candidate });
    const promotedAt = Date.parse(promoted.finishedAt!);
    expect((await svc.getAction(caller(), promoted.id)).output.map((l) => l.text)).toContain(
      "us-east-1: fenced since the primary was last recorded",
    );
    // Every write any API was told had landed is on the new primary.
    for (const [id, a] of acked) {
      const rows = await pgQuery<{ n: string }>(
        regionPg(labDir, candidate),
        "select count(*)::text as n from switchyard_lab.heartbeat where region = $1 and seq = $2 and date_trunc('milliseconds', written_at) = $3::timestamptz",
        [id, a.seq, a.at],
      );
      expect(Number(rows[0]!.n), `${id}'s last acknowledged heartbeat (#${a.seq}) is on ${candidate}`).toBe(1);
    }
    // The standby console routes by the new primary within a second of its recording.
    const recordedAt = Date.parse(
      (
        await (await getDb()).query<{ at: Date }>("select changed_at as at from fleet_topology where id = 1")
      ).rows[0]!.at.toISOString(),
    );
    const seenAt = Number(
      await waitFor(
        "the standby console to learn the new primary",
        () => new RegExp(`PRIMARY ${candidate} (\\d+)`).exec(watcherOut)?.[1],
        { timeoutMs: 5_000, intervalMs: 20 },
      ),
    );
    expect(seenAt - recordedAt).toBeLessThan(1_000);

    await run("db.repoint-app", { primary: candidate, regions: [candidate, other] });
    for (const id of [candidate, other])
      await waitFor(`${id}'s API to write to ${candidate}`, async () => (await apiTruth(id)).db.writable, {
        timeoutMs: 20_000,
      });

    await injectNetworkFault("heal", undefined, undefined, { labDir });
    await waitFor(
      "the 'two primaries' alert",
      async () =>
        (await firing()).some(
          (a) => a.rule_id === "two-primaries" && a.labels.regions === [candidate, "us-east-1"].sort().join(","),
        ),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    // The old primary is back in view and out of recovery, yet its own API (never repointed) gets nothing acknowledged.
    expect(await inRecovery("us-east-1")).toBe(false);
    const east = await apiTruth("us-east-1");
    expect(east.db.lastAckedSeq).toBe(acked.get("us-east-1")!.seq);
    expect(Date.parse(east.db.lastAckedAt!)).toBeLessThan(promotedAt);

    // Offered for the server that is not the recorded primary: now its host answers, so it is stopped there.
    const again = await run("db.fence-primary", { region: "us-east-1" });
    expect((await svc.getAction(caller(), again.id)).output.map((l) => l.text).join("\n")).toMatch(
      /pg_ctl stop -m immediate on us-east-1's host/,
    );
    await waitFor(
      "'two primaries' to resolve",
      async () => !(await firing()).some((a) => a.rule_id === "two-primaries"),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }, 300_000);

  it("a promotion overridden under a console-only partition fences the old primary itself before it promotes", async () => {
    const db = await getDb();
    const primary = (
      await db.query<{ primary_region: RegionId }>("select primary_region from fleet_topology where id = 1")
    ).rows[0]!.primary_region;
    const next: RegionId = primary === "eu-west-1" ? "ap-southeast-1" : "eu-west-1";
    await waitFor(
      `${next} to read as a streaming replica`,
      async () => {
        const r = await regionRow(next);
        return r?.sample.db?.up && r.sample.db.inRecovery && r.sample.db.receiver?.status === "streaming";
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await injectNetworkFault("partition", primary, "console", { labDir });
    await waitFor(
      `${primary} to read as partitioned from the console`,
      async () => (await regionRow(primary))?.sample.reachability?.verdict === "partitioned-from-console",
      { timeoutMs: 15_000, intervalMs: 100 },
    );

    const requested = await svc.requestAction(engineer, {
      actionId: "db.promote-replica",
      params: { region: next },
      idempotencyKey: key(),
    });
    expect(requested.preflight.find((c) => c.id === "primary-fenced")).toMatchObject({ ok: false, confirm: primary });
    await svc.overridePreflight(lead, requested.id, {
      reason: "Drill: the console is cut off and the old side must stop",
      confirm: primary,
    });
    await svc.approveAction(lead2, requested.id, { paramsHash: requested.paramsHash });
    // The old primary fenced and us-east-1 fenced by the previous test: no replica follows the new primary, and
    // with synchronous commit it acknowledges no write until one streams from it. The verification says so.
    const done = await finished(requested.id);
    expect(await inRecovery(next)).toBe(false);
    expect(done.verification?.checks.find((c) => c.id === "test-write")).toMatchObject({
      ok: false,
      observed: expect.stringMatching(
        /commits wait for a synchronous standby \(synchronous_standby_names = 'ANY 1 \(\*\)'\) and none streams from it: start or rebuild a replica/,
      ),
    });
    const output = (await svc.getAction(caller(), requested.id)).output.map((l) => l.text).join("\n");
    expect(output).toMatch(
      new RegExp(`fencing ${primary} first|${primary}: its host does not answer .*the fleet file's fence hook`),
    );
    expect((await labStatus({ labDir })).regions.find((r) => r.id === primary)?.faults).toContain("isolated");
    const audit = await db.query<{ detail: { confirmed?: string; reason: string } }>(
      "select detail from audit_log where action = 'action.override' and target = $1",
      [`db.promote-replica#${requested.id}`],
    );
    expect(audit.rows[0]?.detail).toMatchObject({
      confirmed: primary,
      reason: "Drill: the console is cut off and the old side must stop",
    });

    // A replica rebuilt from it streams, and its commits are acknowledged again.
    await run("db.rebuild-replica", { region: "us-east-1", source: next });
    await run("db.verify-primary", { region: next });
  }, 240_000);
});
