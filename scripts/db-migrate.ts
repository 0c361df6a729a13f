/** npm run db:migrate: applies pending migrations to the store (DATABASE_URL, or the embedded one). */
import { getDb } from "../server/db";

// Opening the store applies what is pending and logs it.
const db = await getDb();
console.log("[store] up to date");
await db.close();
