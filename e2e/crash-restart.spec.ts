import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { labStatus } from "../lab/index";
import { waitFor } from "../lab/wait";
import { callServerAction } from "../tests/support/server-action-client";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";
import { operatorCommand } from "./support/operator-command";
import { account, expect, labDir, test } from "./fixtures";

/**
 * A working console killed with SIGKILL at random moments — while its collector writes samples every 250 ms, a
 * mirror re-sync runs and a lead adds notes to an incident — twenty times, restarted each time on the same embedded
 * store: it opens every time, a second console is refused while one holds it, every note the lead saw acknowledged
 * is in the timeline, the audit chain verifies from its first row after every restart (and at the end through
 * `npm run audit:verify`, asked of the running console), and every run a kill cut short ends interrupted, never
 * running forever. The moments come from a seed printed with the result.
 */

const KILLS = 20;
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
let state = seed;
/** mulberry32: a small seeded generator, so a failing sequence of moments can be replayed with CRASH_SEED. */
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

type Role = "lead" | "engineer";
type Result = { ok: boolean; code?: string; message?: string; data?: unknown };

async function signIn(baseURL: string, role: Role): Promise<{ cookie: string; userId: string }> {
  const csrf = await fetch(`${baseURL}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const a = account(role);
  const res = await fetch(`${baseURL}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email: a.email, password: a.password, json: "true" }),
    redirect: "manual",
  });
  const session = res.headers.getSetCookie().find((c) => /next-auth\.session-token=/.test(c));
  if (!session) throw new Error(`signing in as ${role} set no session cookie`);
  const cookie = session.split(";")[0]!;
  const me = (await (await fetch(`${baseURL}/api/auth/session`, { headers: { cookie } })).json()) as {
    user: { id: string };
  };
  return { cookie, userId: me.user.id };
}

const call = (baseURL: string, cookie: string, page: string, action: string, input: unknown): Promise<Result | null> =>
  callServerAction({ baseURL, cookie, action, input, page });

/** A lab region's mirror status as its API reports it ("ok", "syncing", …). */
async function mirrorStatus(region: string): Promise<string | undefined> {
  const api = (await labStatus({ labDir: labDir() })).regions.find((r) => r.id === region)!.apiUrl;
  return ((await (await fetch(`${api}/v1/mirrors/stats?region=${region}`)).json()) as { status?: string }).status;
}

async function getJson<T>(baseURL: string, cookie: string, pathname: string): Promise<T> {
  const res = await fetch(`${baseURL}${pathname}`, { headers: { cookie } });
  expect(res.status, `${pathname} answered ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

test("a console killed twenty times mid-work loses nothing it acknowledged and leaves nothing running", async () => {
  test.setTimeout(420_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-crash-"));
  const env = { LAB_DIR: labDir(), DATA_DIR: dataDir, POLL_INTERVAL: "250" };
  const regions = (await labStatus({ labDir: labDir() })).regions.map((r) => r.id);
  const acknowledged: string[] = [];
  const runs: number[] = [];
  let incident: number | null = null;
  let console_: ConsoleProcess | null = null;
  // Sessions outlive the consoles (their secret is in DATA_DIR): signed in once.
  let lead: { cookie: string; userId: string } | null = null;
  let engineer: { cookie: string; userId: string } | null = null;
  console.log(`[crash] seed ${seed} (CRASH_SEED=${seed} replays these moments)`);
  try {
    for (let kill = 1; kill <= KILLS + 1; kill++) {
      console_ = await startConsole(env);
      await waitUntilServing(console_);
      const baseURL = console_.baseURL;
      lead ??= await signIn(baseURL, "lead");
      engineer ??= await signIn(baseURL, "engineer");

      // What the killed consoles acknowledged is all here, and their chain is intact (a fresh console walks it all).
      const { chain } = await getJson<{ chain: { ok: boolean; rows: number; reason?: string } }>(
        baseURL,
        lead.cookie,
        "/api/v1/audit?limit=1",
      );
      expect(chain, `the audit chain after ${kill - 1} kills`).toMatchObject({ ok: true });
      if (incident !== null) {
        const { events } = await getJson<{ events: { kind: string; message: string }[] }>(
          baseURL,
          lead.cookie,
          `/api/v1/incidents/${incident}/timeline?kind=note`,
        );
        const notes = new Set(events.map((e) => e.message));
        expect(
          acknowledged.filter((n) => !notes.has(n)),
          `acknowledged notes missing after ${kill - 1} kills`,
        ).toEqual([]);
      }
      if (kill > KILLS) {
        const verified = (await operatorCommand("audit-verify", [], { DATA_DIR: dataDir })).out;
        expect(verified, verified).toMatch(/asked the console holding [\s\S]*audit chain intact: \d+ rows/);
        break;
      }

      if (kill === 1) {
        // While it holds the store, a second console is refused at once and names it; the first serves on.
        const second = await startConsole(env);
        expect(await second.exited).toBe(1);
        expect(second.output()).toMatch(
          new RegExp(`The embedded store at ${dataDir}/pglite is in use by process \\d+`),
        );
        expect((await fetch(`${baseURL}/api/health`)).ok).toBe(true);

        const declared = await call(baseURL, lead.cookie, "/incidents/new", "declareIncident", {
          title: "Crash drill: the console dies mid-work",
          scenarioId: null,
          severity: "P3",
          impact: "none: a drill",
          regions: [],
          leadId: lead.userId,
        });
        expect(declared?.ok, JSON.stringify(declared)).toBe(true);
        incident = (declared!.data as { id: number }).id;
      }

      // Work: a re-sync (10 s in the lab) that the kill will cut short, and notes as fast as they are acknowledged.
      // A kill does not stop the lab's re-sync, and a region still re-syncing fails the pre-flight ("no re-sync
      // already running"): such a request waits for an override and never starts. So the region's last one ends first.
      const region = regions[kill % regions.length]!;
      await waitFor(
        `${region}'s mirrors to finish their last re-sync`,
        async () => (await mirrorStatus(region)) !== "syncing",
        {
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      );
      const run = await call(baseURL, engineer.cookie, "/actions", "requestRun", {
        actionId: "mirrors.resync",
        params: { region },
        idempotencyKey: `crash-${seed}-${kill}`,
      });
      const started = run?.ok ? (run.data as { id: number; status: string }) : null;
      if (started?.status === "running") runs.push(started.id);
      let writing = true;
      const notes = (async () => {
        for (let n = 1; writing; n++) {
          const text = `kill ${kill}, note ${n}`;
          const added = await call(baseURL, lead.cookie, `/incidents/${incident}`, "addNote", {
            id: incident,
            text,
          }).catch(() => null);
          if (added?.ok) acknowledged.push(text);
        }
      })();
      const at = 300 + Math.round(random() * 2700);
      const deadline = Date.now() + at;
      await waitFor("the moment of the kill", () => Date.now() >= deadline, { timeoutMs: at + 1000, intervalMs: 20 });
      process.kill(console_.pid, "SIGKILL");
      writing = false;
      await console_.exited;
      await notes;
    }
    expect(acknowledged.length).toBeGreaterThan(KILLS);

    // Every run a kill cut short ends interrupted (once its heartbeat is stale), none stays running.
    const last = console_!;
    const { cookie } = lead!;
    const ended = await waitFor(
      "every cut-short run to be marked interrupted",
      async () => {
        const states = await Promise.all(
          runs.map((id) =>
            getJson<{ status: string }>(last.baseURL, cookie, `/api/v1/actions/${id}`).then((r) => r.status),
          ),
        );
        const open = runs.filter((_, i) => ["running", "pending", "approved"].includes(states[i]!));
        // Thrown rather than returned: a timeout then names the runs still open.
        if (open.length)
          throw new Error(`still open: ${open.map((id) => `#${id} ${states[runs.indexOf(id)]}`).join(", ")}`);
        return states;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(ended.filter((s) => s === "interrupted").length, `run states: ${ended.join(", ")}`).toBeGreaterThanOrEqual(
      KILLS / 2,
    );
    console.log(
      `[crash] ${KILLS} kills, ${acknowledged.length} acknowledged notes all kept, runs: ${ended.join(", ")}`,
    );

    // The lab's mirrors finish their re-syncs before the next spec looks at them.
    await waitFor(
      "the lab's mirrors to finish re-syncing",
      async () => (await Promise.all(regions.map(mirrorStatus))).every((s) => s !== "syncing"),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  } finally {
    if (console_) process.kill(console_.pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});
