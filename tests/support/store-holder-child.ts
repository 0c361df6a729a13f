/**
 * A console, as far as its store goes: opens the store (DATA_DIR or DATABASE_URL), answers operator commands
 * when it is the embedded one, and appends an audit row every 20 ms, printing READY after the first and
 * APPENDED <n> after each, so a test can back it up, verify it and kill it while it writes.
 * Run with `node --conditions=react-server --import tsx`.
 */
import { appendAudit } from "../../server/audit/append-audit";
import { embeddedStoreDir, getDb } from "../../server/db";
import { serveOperatorCommands } from "../../server/db/operator-commands";
import { env } from "../../server/env";

const db = await getDb();
if (env.embeddedStore) await serveOperatorCommands(embeddedStoreDir());
let n = 0;
const append = async () => {
  await db.transaction((tx) =>
    appendAudit(tx, { actor: null, action: "store.test-write", target: `write#${n + 1}`, detail: { n: n + 1 } }),
  );
  n += 1;
  console.log(n === 1 ? "READY" : `APPENDED ${n}`);
  setTimeout(() => void append(), 20);
};
await append();
