import { execFile } from "node:child_process";

export interface RunOptions {
  /** Run as this user through `runuser -u <user> --` (only when we are root). */
  asUser?: string | null;
  /** Run inside this network namespace (`ip netns exec <ns>`, as root), so servers it starts live on the region's network. */
  netns?: string | null;
  cwd?: string;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** execFile with an argv array (never a shell); rejects with the command's stderr in the message. */
function fullArgv(argv: readonly string[], options: RunOptions): string[] {
  const asUser = options.asUser ? ["runuser", "-u", options.asUser, "--", ...argv] : [...argv];
  return options.netns ? ["ip", "netns", "exec", options.netns, ...asUser] : asUser;
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const full = fullArgv(argv, options);
  const [command, ...args] = full;
  if (!command) return Promise.reject(new Error("empty command"));
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || stdout || "").trim();
          const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
          reject(
            new Error(`${argv.join(" ")} failed (${String(code ?? error.message)})${detail ? `: ${detail}` : ""}`),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Exit code of a command, without throwing for non-zero exits (e.g. `pg_ctl status`). */
export function runForExitCode(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const full = fullArgv(argv, options);
  const [command, ...args] = full;
  if (!command) return Promise.reject(new Error("empty command"));
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000 }, (error) => {
      if (!error) return resolve(0);
      const code = (error as { code?: unknown }).code;
      resolve(typeof code === "number" ? code : 127);
    });
  });
}
