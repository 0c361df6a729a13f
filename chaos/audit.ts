import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Invariant 6: the console's audit chain is intact at the end, checked by `npm run audit:verify`
 * (scripts/audit-verify.ts) against the console's embedded store once the console has stopped, with the key
 * the console generated into DATA_DIR/audit-key.
 */

const ROOT = path.resolve(import.meta.dirname, "..");

export interface AuditVerdict {
  ok: boolean;
  exitCode: number | null;
  rows: number | null;
  output: string;
}

export function verifyAuditChain(dataDir: string): Promise<AuditVerdict> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const k of ["DATABASE_URL", "AUDIT_KEY"]) delete env[k];
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/audit-verify.ts")],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ ok: false, exitCode: null, rows: null, output: err.message }));
    child.on("exit", (code) => {
      const rows = /audit chain intact: (\d+) rows/.exec(output)?.[1] ?? /\((\d+) rows in the log\)/.exec(output)?.[1];
      resolve({ ok: code === 0, exitCode: code, rows: rows ? Number(rows) : null, output: output.trim() });
    });
  });
}
