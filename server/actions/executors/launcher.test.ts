import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { launch } from "./launcher";

describe("the console's launcher", () => {
  it("streams a command's output as it comes and reports its exit code", async () => {
    const seen: string[] = [];
    const exit = await launch("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], {
      onData: (stream, data) => seen.push(`${stream}:${data.trim()}`),
    });
    expect(exit).toMatchObject({ code: 3, signal: null, timedOut: false, aborted: false, error: null });
    expect(seen.sort()).toEqual(["stderr:err", "stdout:out"]);
    // kept whole for a caller that does not stream it
    expect(await launch("/bin/sh", ["-c", "echo out; echo err >&2"])).toMatchObject({
      stdout: "out\n",
      stderr: "err\n",
    });
  });

  it("passes arguments as they are, with no shell between", async () => {
    const exit = await launch("/bin/echo", ["$(id)", "; reboot"]);
    expect(exit).toMatchObject({ code: 0, stdout: "$(id) ; reboot\n" });
  });

  it("ends a command at its timeout or when its run is aborted, and says which", async () => {
    const t = performance.now();
    const timedOut = await launch("/bin/sleep", ["30"], { timeoutMs: 200 });
    expect(timedOut).toMatchObject({ timedOut: true, aborted: false, code: null, signal: "SIGTERM" });
    const controller = new AbortController();
    const aborting = launch("/bin/sleep", ["30"], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await aborting).toMatchObject({ aborted: true, timedOut: false, signal: "SIGTERM" });
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it("says when a command cannot start", async () => {
    const exit = await launch("/nonexistent/ssh", []);
    expect(exit.code).toBeNull();
    expect(exit.error).toMatch(/ENOENT/);
  });

  it("ends the commands of a launcher that died with a clear error, and the next command starts a new one", async () => {
    const running = launch("/bin/sleep", ["3"]);
    const dying = (globalThis as { __switchyardLauncher?: ChildProcess }).__switchyardLauncher!;
    dying.kill("SIGKILL");
    expect(await running).toMatchObject({ code: null, error: "the console's launcher exited" });
    expect(await launch("/bin/echo", ["again"])).toMatchObject({ code: 0, stdout: "again\n" });
    expect((globalThis as { __switchyardLauncher?: ChildProcess }).__switchyardLauncher).not.toBe(dying);
  });

  it("runs commands side by side", async () => {
    const exits = await Promise.all([1, 2, 3].map((n) => launch("/bin/sh", ["-c", `sleep 0.2; echo ${n}`])));
    expect(exits.map((e) => e.stdout)).toEqual(["1\n", "2\n", "3\n"]);
  });
});
