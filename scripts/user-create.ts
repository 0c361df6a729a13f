/**
 * npm run user:create -- --email <email> --role viewer|engineer|lead|admin [--name <name>]: creates an account in
 * the store (DATABASE_URL, or the embedded one in DATA_DIR), with an audit row "user.create" in the same transaction.
 * The password is read from stdin (its first line) when stdin is not a terminal, otherwise prompted twice without echo.
 * Pending migrations are applied first, so it works on a brand-new store.
 * Exit 0: created; 1: an account with that email exists; 2: bad input (nothing written); 3: the store cannot be opened.
 */
import path from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { errorMessage } from "../lib/error-message";
import type { Db } from "../server/db/types";

const USAGE =
  "usage: npm run user:create -- --email <email> --role viewer|engineer|lead|admin [--name <name>]  (password on stdin, or prompted)";

type Outcome = { code: 0 | 1 | 2 | 3; line: string };
const usageError = (message: string): Outcome => ({ code: 2, line: `user not created: ${message}` });

/** One line, whatever the error: a multi-line message joined. */
const describe = (err: unknown) => errorMessage(err).replace(/:\n/g, ": ").split("\n").filter(Boolean).join("; ");

function readFlags(argv: string[]): { email: string; role: string; name?: string } | Outcome {
  let values: { email?: string; role?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usageError(describe(err));
  }
  if (values.help) return { code: 0, line: USAGE };
  if (values.email === undefined) return usageError("--email is required");
  if (values.role === undefined) return usageError("--role is required (viewer, engineer, lead or admin)");
  return { email: values.email, role: values.role, name: values.name };
}

/** The first line of stdin, without its line ending; "" when stdin is empty. */
function passwordFromStdin(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    let first: string | undefined;
    rl.once("line", (line) => {
      first = line;
      rl.close();
    });
    rl.once("close", () => {
      process.stdin.destroy();
      resolve(first ?? "");
    });
  });
}

/** Prompts on the terminal without echoing what is typed; null when the user gives up (Ctrl-C, Ctrl-D). */
function promptHidden(prompts: string[]): Promise<string[] | null> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true, historySize: 0 });
  const answers: string[] = [];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: string[] | null) => {
      if (settled) return;
      settled = true;
      muted = false;
      rl.close();
      resolve(result);
    };
    rl.on("SIGINT", () => {
      process.stderr.write("\n");
      finish(null);
    });
    rl.on("close", () => finish(null));
    const ask = () => {
      muted = false;
      rl.question(`${prompts[answers.length]} `, (answer) => {
        muted = false;
        process.stderr.write("\n");
        answers.push(answer);
        if (answers.length === prompts.length) finish(answers);
        else ask();
      });
      muted = true;
    };
    ask();
  });
}

async function readPassword(): Promise<string | Outcome> {
  if (!process.stdin.isTTY) return passwordFromStdin();
  const answers = await promptHidden(["Password:", "Again:"]);
  if (!answers) return usageError("no password entered");
  if (answers[0] !== answers[1]) return usageError("the passwords do not match");
  return answers[0]!;
}

/** The server modules, imported only once the flags are read: importing them validates the environment. */
async function loadServer() {
  const [{ env }, { z }, users, audit, migrations, pgDriver, pgliteDriver, errors] = await Promise.all([
    import("../server/env"),
    import("zod"),
    import("../server/auth/users"),
    import("../server/audit/append-audit"),
    import("../server/db/migrate"),
    import("../server/db/pg-driver"),
    import("../server/db/pglite-driver"),
    import("../server/errors"),
  ]);
  return { env, z, ...users, ...audit, ...migrations, ...pgDriver, ...pgliteDriver, ...errors };
}

async function createUser(): Promise<Outcome> {
  const flags = readFlags(process.argv.slice(2));
  if ("code" in flags) return flags;

  // Imported here so that an invalid environment is reported like any other store that cannot be opened.
  let server: Awaited<ReturnType<typeof loadServer>>;
  try {
    server = await loadServer();
  } catch (err) {
    return { code: 3, line: `user not created: cannot open the store: ${describe(err)}` };
  }

  // The account's fields as the console validates them, with a password required here.
  const cliInput = server.newUserInput.omit({ demo: true }).extend({
    password: server.z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
  });
  const problem = (error: { issues: { path: PropertyKey[]; message: string }[] }) => {
    const field = String(error.issues[0]?.path[0] ?? "input");
    const message = error.issues[0]?.message ?? "invalid";
    return usageError(field === "password" ? `the password ${message}` : `--${field}: ${message}`);
  };

  const name = flags.name ?? flags.email.split("@")[0]!;
  // Check the flags before asking for a password, then everything together.
  const checkedFlags = cliInput.omit({ password: true }).safeParse({ ...flags, name });
  if (!checkedFlags.success) return problem(checkedFlags.error);
  const password = await readPassword();
  if (typeof password !== "string") return password;
  const input = cliInput.safeParse({ ...flags, name, password });
  if (!input.success) return problem(input.error);

  const { env } = server;
  let db: Db | undefined;
  try {
    if (env.DATABASE_URL) {
      db = server.createPgDb(env.DATABASE_URL);
    } else {
      const dir = path.resolve(env.DATA_DIR, "pglite");
      // PGlite is one process's database: a second process opening the same files can corrupt them.
      console.log(`using the embedded store at ${dir}; the console must not be running on it at the same time`);
      db = await server.createPgliteDb(dir);
    }
    await server.migrate(db);
  } catch (err) {
    await db?.close().catch(() => undefined);
    return {
      code: 3,
      line: `user not created: cannot open the store (${env.DATABASE_URL ? "DATABASE_URL" : "embedded, DATA_DIR"}): ${describe(err)}`,
    };
  }

  try {
    const user = await db.transaction(async (tx) => {
      const created = await server.insertUser(tx, input.data);
      await server.appendAudit(tx, {
        actor: null,
        action: "user.create",
        target: created.email,
        detail: { role: created.role, via: "cli" },
      });
      return created;
    });
    return { code: 0, line: `created ${user.email} (${user.role})` };
  } catch (err) {
    if (err instanceof server.ServiceError && err.code === "conflict")
      return { code: 1, line: `user not created: ${err.message}` };
    if (err instanceof server.ServiceError && err.code === "invalid") return usageError(err.message);
    return { code: 3, line: `user not created: the store failed: ${describe(err)}` };
  } finally {
    await db.close().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const { code, line } = await createUser();
  if (code === 0) console.log(line);
  else console.error(line);
  return code;
}

process.exit(await main());
