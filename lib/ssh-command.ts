import type { SshTransport } from "./fleet-config";

/**
 * The `ssh` command line for a region's host commands, as Rundeck's and Ansible's node executors reach their
 * nodes. sshd hands the remote command to the remote user's shell, so every argument is quoted for a POSIX
 * shell (after the executors' own strict pattern checks): it arrives as one literal argument, whatever it
 * holds. Host keys are always checked against the fleet file's pinned known-hosts file; never trust on first use.
 */

/** One argument for a POSIX shell: inside single quotes nothing is special, and a ' becomes '\''. */
export function shellQuote(arg: string): string {
  if (arg.includes("\0")) throw new Error("refused: an argument holds a NUL byte");
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The remote argv, run as `runAsUser` through `sudo -n` when that is not the user ssh logs in as. */
export function remoteArgv(t: SshTransport, argv: string[], runAsUser?: string): string[] {
  return runAsUser && runAsUser !== t.user ? ["sudo", "-n", "-u", runAsUser, "--", ...argv] : argv;
}

/**
 * The `ssh` argument list for one remote command: no shell on this side, no config but ours. With a
 * `controlPath` the connection is shared (OpenSSH's ControlMaster: a fresh connection costs a few hundred
 * milliseconds, a shared one a few tens); without, it is a connection of its own, which checks the host key
 * and the login anew.
 */
export function sshArgs(
  t: SshTransport,
  argv: string[],
  { runAsUser, controlPath }: { runAsUser?: string; controlPath?: string | null } = {},
): string[] {
  return [
    "-F",
    "/dev/null",
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${t.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "IdentitiesOnly=yes",
    "-i",
    t.identityFile,
    "-o",
    `ConnectTimeout=${t.connectTimeoutSeconds}`,
    "-o",
    "ServerAliveInterval=5",
    "-o",
    "ServerAliveCountMax=3",
    "-o",
    "LogLevel=ERROR",
    ...(controlPath
      ? ["-o", "ControlMaster=auto", "-o", `ControlPath=${controlPath}`, "-o", "ControlPersist=60"]
      : ["-o", "ControlMaster=no", "-o", "ControlPath=none"]),
    "-p",
    String(t.port),
    "-l",
    t.user,
    "--",
    t.host,
    // From / : a command run as another user cannot read the login user's home, its working directory otherwise.
    `cd / && exec ${remoteArgv(t, argv, runAsUser).map(shellQuote).join(" ")}`,
  ];
}

/** ssh's own failure (exit 255) in the words a person reads; the raw message stays in the output. */
export function describeSshError(stderr: string): string {
  const text = stderr.replace(/\r/g, "");
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text))
    return "host key verification failed: the host's key is not the one pinned in the known-hosts file";
  if (/Host key verification failed|No \S+ host key is known/.test(text)) return "host key verification failed";
  const denied = /Permission denied \(([^)]*)\)/.exec(text);
  if (denied) return `permission denied (${denied[1]})`;
  if (/Connection refused/.test(text)) return "connection refused";
  if (/timed out/i.test(text)) return "timed out";
  if (/Could not resolve hostname/.test(text)) return "host name not found";
  if (/No route to host/.test(text)) return "no route to host";
  if (/Connection (closed|reset)/.test(text)) return "connection closed by the host";
  if (/sudo: .*password is required|sudo: a password is required/.test(text))
    return "sudo refused: no rule lets this user run the command without a password";
  const last = text.trim().split("\n").pop();
  return last ? `ssh failed: ${last}` : "the ssh connection ended without a word from ssh";
}

/** True when ssh's failure came before the remote command could start: then nothing ran on the host. */
export const failedBeforeRunning = (description: string) =>
  /^(host key verification failed|permission denied|connection refused|timed out|host name not found|no route to host|sudo refused)/.test(
    description,
  );
