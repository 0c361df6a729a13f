import "server-only";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * Starts a command through the launcher (launcher-child.mjs), a small process forked once: a fork from the console
 * itself copies its page tables, ~25-30 ms of blocked event loop per command once it holds its embedded store.
 * Mirrors execFile: output as it comes, the exit code or signal, a timeout (SIGTERM) and an abort signal.
 */

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** the command could not start (ENOENT, EACCES) */
  error: string | null;
  /** its whole output, kept only for a caller that does not take it as it comes (onData) */
  stdout: string;
  stderr: string;
}

type Message =
  | { type: "data"; id: number; stream: "stdout" | "stderr"; data: string }
  | { type: "exit"; id: number; code: number | null; signal: NodeJS.Signals | null; error: string | null };

interface Pending {
  launcher: ChildProcess;
  onData: (stream: "stdout" | "stderr", data: string) => void;
  onExit: (m: Extract<Message, { type: "exit" }>) => void;
}

const CHILD = path.join(/*turbopackIgnore: true*/ process.cwd(), "server/actions/executors/launcher-child.mjs");
const holder = globalThis as unknown as { __switchyardLauncher?: ChildProcess | null };
const pending = new Map<number, Pending>();
let nextId = 1;

function launcher(): ChildProcess {
  const live = holder.__switchyardLauncher;
  if (live?.connected) return live;
  const child = fork(CHILD, [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [],
    serialization: "json",
  });
  child.on("message", (m: Message) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === "data") return p.onData(m.stream, m.data);
    pending.delete(m.id);
    idle(child);
    p.onExit(m);
  });
  // Gone, or its channel broken: the commands it ran end here as not started or lost, and the next one forks anew.
  const lost = (why: string) => {
    if (holder.__switchyardLauncher === child) holder.__switchyardLauncher = null;
    for (const [id, p] of pending) {
      if (p.launcher !== child) continue;
      pending.delete(id);
      p.onExit({ type: "exit", id, code: null, signal: null, error: why });
    }
  };
  child.on("exit", () => lost("the console's launcher exited"));
  child.on("error", (err) => lost(`the console's launcher failed: ${err.message}`));
  child.unref();
  holder.__switchyardLauncher = child;
  return child;
}

/** The launcher keeps the console alive only while a command runs. */
function idle(child: ChildProcess) {
  if (![...pending.values()].some((p) => p.launcher === child)) child.channel?.unref();
}

export function launch(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; signal?: AbortSignal; onData?: (stream: "stdout" | "stderr", data: string) => void } = {},
): Promise<Exit> {
  return new Promise((resolve) => {
    const exit: Exit = {
      code: null,
      signal: null,
      timedOut: false,
      aborted: false,
      error: null,
      stdout: "",
      stderr: "",
    };
    if (opts.signal?.aborted) return resolve({ ...exit, aborted: true });
    const child = launcher();
    const id = nextId++;
    const kill = () => child.connected && child.send({ type: "kill", id, signal: "SIGTERM" });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          exit.timedOut = true;
          kill();
        }, opts.timeoutMs)
      : null;
    const onAbort = () => {
      exit.aborted = true;
      kill();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    pending.set(id, {
      launcher: child,
      onData: opts.onData ?? ((stream, data) => (exit[stream] += data)),
      onExit: (m) => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        resolve({ ...exit, code: m.code, signal: m.signal, error: m.error });
      },
    });
    child.channel?.ref();
    child.send({ type: "run", id, cmd, args });
  });
}
