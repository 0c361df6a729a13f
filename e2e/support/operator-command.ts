import { execFile } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * An operator command (`npm run user:create`, `store:backup`, `audit:verify`…) run as an operator runs it: its own
 * process in the checkout, the shell's environment without a store of its own unless env gives one, stdin if any.
 */
export function operatorCommand(
  script: string,
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number; out: string }> {
  const { DATABASE_URL: _store, DATA_DIR: _dir, ...shell } = process.env;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", `${script}.ts`), ...args],
      { cwd: root, env: { ...shell, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
    child.stdin!.end(stdin ?? "");
  });
}

/** `npm run user:create` of an admin, with the password on stdin; its output, or an error with it. */
export async function createAdmin(
  account: { email: string; password: string },
  env: Record<string, string>,
): Promise<string> {
  const { code, out } = await operatorCommand(
    "user-create",
    ["--email", account.email, "--role", "admin"],
    env,
    `${account.password}\n`,
  );
  if (code !== 0) throw new Error(`user:create failed: ${out}`);
  return out;
}
