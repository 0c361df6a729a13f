import "server-only";
import { demoAccounts } from "@/lib/demo-accounts";
import { getDb } from "@/server/db";
import { insertUser } from "./users";

/** Creates the demo accounts that are missing; returns the ones now present. */
export async function seedDemoUsers(): Promise<typeof demoAccounts> {
  const db = await getDb();
  for (const account of demoAccounts) {
    const exists = await db.query("select 1 from users where email = $1", [account.email]);
    if (exists.rowCount === 0) await db.transaction((tx) => insertUser(tx, { ...account, demo: true }));
  }
  return demoAccounts;
}

export async function countDemoUsers(): Promise<number> {
  const db = await getDb();
  const r = await db.query<{ n: number }>("select count(*)::int as n from users where demo");
  return r.rows[0]?.n ?? 0;
}
