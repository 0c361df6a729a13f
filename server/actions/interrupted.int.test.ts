import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { labStatus, resetLab, startLab, type LabStatus } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * A console that dies mid-action: the run is marked interrupted with what was known, once its heartbeat has
 * stopped, and nothing runs it again — the region stays as the dead console left it.
 */

const labDir = await ownLabAndStore("interrupted");

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { sweepInterrupted, STALE_SECONDS } = await import("@/server/actions/runner");
type User = import("@/server/auth/users").User;

let lab: LabStatus;
let child: ChildProcess | null = null;
let engineer: User, lead: User;

async function rollout(region: string): Promise<{ provider: string; percent: number } | null> {
  const res = await fetch(`${lab.regions.find((r) => r.id === region)!.apiUrl}/v1/cdn/stats`, {
    signal: AbortSignal.timeout(5_000),
  });
  return ((await res.json()) as { rollout: { provider: string; percent: number } | null }).rollout;
}

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  engineer = await db.transaction((tx) => insertUser(tx, { email: "eng@x.test", name: "eng", role: "engineer" }));
  lead = await db.transaction((tx) => insertUser(tx, { email: "lead@x.test", name: "lead", role: "lead" }));
}, 180_000);

afterAll(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

it("marks a rollout whose console was killed at its 10 % hold as interrupted, and never resumes it", async () => {
  let out = "";
  child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.resolve("tests/support/action-child.ts")],
    {
      env: {
        ...process.env,
        ACTION: JSON.stringify({
          actionId: "cdn.rollout",
          params: { provider: "bunny", regions: ["ap-southeast-1"], holdSeconds: [600, 600] },
        }),
        REQUESTER: engineer.id,
        APPROVER: lead.id,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const runId = await waitFor(
    "the child console to start the rollout",
    async () => {
      if (child!.exitCode !== null) throw new Error(`the child console exited:\n${out}`);
      const m = /\{"runId":(\d+)\}/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: 60_000 },
  );
  await waitFor("ap-southeast-1 to send 10 % to bunny", async () => (await rollout("ap-southeast-1"))?.percent === 10, {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  await waitFor(
    "the run to report its hold",
    async () =>
      /holding at 10/.test((await svc.getAction({ kind: "user", user: lead }, runId)).progress?.message ?? ""),
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  child.kill("SIGKILL");
  await new Promise((resolve) => child!.once("exit", resolve));
  expect(await sweepInterrupted()).toEqual([]); // its heartbeat is still fresh
  const swept = await waitFor(
    "the sweeper to mark the run interrupted",
    async () => {
      const ids = await sweepInterrupted();
      return ids.length ? ids : undefined;
    },
    { timeoutMs: (STALE_SECONDS + 10) * 1000, intervalMs: 500 },
  );
  expect(swept).toEqual([runId]);

  const run = await svc.getAction({ kind: "user", user: lead }, runId);
  expect(run.status).toBe("interrupted");
  expect(run.error).toMatch(
    /The console running it stopped at .* during "holding at 10 %.*Check api:ap-southeast-1 before running anything again/,
  );
  expect(run.output.map((l) => l.text).join("\n")).toMatch(/ap-southeast-1/);
  const db = await getDb();
  expect(
    (
      await db.query("select 1 from audit_log where action = 'action.interrupted' and target = $1", [
        `cdn.rollout#${runId}`,
      ])
    ).rowCount,
  ).toBe(1);

  // Nothing picks it up again: the region stays at 10 %, the run stays interrupted, and the target is free.
  expect(await sweepInterrupted()).toEqual([]);
  expect(await rollout("ap-southeast-1")).toEqual({ provider: "bunny", percent: 10 });
  expect((await svc.getAction({ kind: "user", user: lead }, runId)).status).toBe("interrupted");
  const next = await svc.requestAction(engineer, {
    actionId: "cdn.switch-provider",
    params: { provider: "cloudflare", regions: ["ap-southeast-1"] },
    idempotencyKey: `after-${Date.now()}`,
  });
  expect(
    next.preflight.find((c) => !c.ok),
    JSON.stringify(next.preflight),
  ).toBeUndefined();
});
