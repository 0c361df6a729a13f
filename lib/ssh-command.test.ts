import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { describeSshError, failedBeforeRunning, remoteArgv, shellQuote, sshArgs } from "./ssh-command";

const transport = {
  kind: "ssh" as const,
  host: "db1.example.com",
  port: 2222,
  user: "switchyard",
  identityFile: "/etc/switchyard/id_ed25519",
  knownHostsFile: "/etc/switchyard/known_hosts",
  connectTimeoutSeconds: 7,
};
const nasty = [
  "a b",
  "it's",
  '"double"',
  "$(touch /tmp/pwned-switchyard)",
  "`id`",
  "x; rm -rf /tmp/nothing",
  "line1\nline2",
  "*",
  "~root",
  "\\",
  "-n",
  "",
];

describe("shellQuote", () => {
  it("makes every value arrive at a POSIX shell as one literal argument", () => {
    // What sshd does with the remote command: hands the string to the user's shell.
    const out = execFileSync("/bin/sh", ["-c", `printf '[%s]\\n' ${nasty.map(shellQuote).join(" ")}`], {
      encoding: "utf8",
    });
    expect(out).toBe(nasty.map((a) => `[${a}]\n`).join(""));
  });

  it("refuses a NUL byte, which no shell argument can hold", () => {
    expect(() => shellQuote("a\0b")).toThrow(/refused/);
  });
});

describe("sshArgs", () => {
  it("pins the host key, never prompts, uses only the fleet's identity, and carries the command as one quoted string", () => {
    const args = sshArgs(transport, ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", "/var/lib/pg data", "stop"], {
      runAsUser: "postgres",
      controlPath: "/var/lib/switchyard/ssh/%C",
    });
    const opts = args.flatMap((a, i) => (args[i - 1] === "-o" ? [a] : []));
    expect(opts).toEqual(
      expect.arrayContaining([
        "BatchMode=yes",
        "StrictHostKeyChecking=yes",
        "UserKnownHostsFile=/etc/switchyard/known_hosts",
        "IdentitiesOnly=yes",
        "ConnectTimeout=7",
      ]),
    );
    expect(opts.some((o) => /StrictHostKeyChecking=(no|accept-new)/.test(o))).toBe(false);
    expect(args.slice(args.indexOf("-i"), args.indexOf("-i") + 2)).toEqual(["-i", "/etc/switchyard/id_ed25519"]);
    expect(args.slice(-3)).toEqual([
      "--",
      "db1.example.com",
      "cd / && exec 'sudo' '-n' '-u' 'postgres' '--' '/usr/lib/postgresql/15/bin/pg_ctl' '-D' '/var/lib/pg data' 'stop'",
    ]);
  });

  it("runs as the login user without sudo", () => {
    expect(remoteArgv(transport, ["/bin/true"], "switchyard")).toEqual(["/bin/true"]);
    expect(remoteArgv(transport, ["/bin/true"])).toEqual(["/bin/true"]);
  });
});

describe("describeSshError", () => {
  it("says what went wrong in the words a person reads", () => {
    expect(describeSshError("Host key verification failed.\r\n")).toBe("host key verification failed");
    expect(describeSshError("@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n")).toMatch(
      /^host key verification failed: /,
    );
    expect(describeSshError("root@127.0.0.1: Permission denied (publickey).\n")).toBe("permission denied (publickey)");
    expect(describeSshError("ssh: connect to host 127.0.0.1 port 2: Connection refused\n")).toBe("connection refused");
    expect(describeSshError("ssh: connect to host 10.0.0.9 port 22: Connection timed out\n")).toBe("timed out");
    expect(describeSshError("sudo: a password is required\n")).toMatch(/^sudo refused/);
  });
});

describe("failedBeforeRunning", () => {
  it("knows nothing ran when ssh could not connect or log in, and not otherwise", () => {
    for (const e of [
      "Host key verification failed.",
      "a@b: Permission denied (publickey).",
      "ssh: connect to host h port 22: Connection refused",
      "sudo: a password is required",
    ])
      expect(failedBeforeRunning(describeSshError(e)), e).toBe(true);
    expect(failedBeforeRunning(describeSshError(""))).toBe(false);
    expect(failedBeforeRunning(describeSshError("Connection to 127.0.0.1 closed by remote host."))).toBe(false);
  });
});
