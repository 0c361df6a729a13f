import "server-only";
import { countDemoUsers, seedDemoUsers } from "@/server/auth/demo-users";
import { listenHost } from "@/lib/listen-host";
import { stampPeerAddresses } from "@/server/auth/client-address";
import { productionRefusal } from "@/server/auth/secret";
import { sealAuditHead } from "@/server/audit/checkpoint";
import { embeddedStoreDir, getDb, isStoreRefusal } from "@/server/db";
import { serveOperatorCommands } from "@/server/db/operator-commands";
import { env } from "@/server/env";
import { fleetConfigPath, readFleetConfig } from "@/server/fleet/config";
import { startActionSweeper } from "@/server/actions/sweeper";
import { announceHere, listenToOtherConsoles, subscribe } from "@/server/events/bus";
import { resyncCollector, startCollector } from "@/server/fleet/collector";
import { watchFreshness } from "@/server/fleet/fleet-service";
import { loadCurrentPrimary } from "@/server/fleet/topology";

function fail(message: string): never {
  console.error(`\n[switchyard] ${message}\n`);
  process.exit(1);
}

/** Opens the store and, once it answers, checks production safety, loads the recorded primary, sweeps interrupted actions and seeds demo accounts. */
async function prepareStore(attempt = 0): Promise<void> {
  let demoUsers: number;
  try {
    await getDb();
    demoUsers = await countDemoUsers();
  } catch (err) {
    // An embedded store another process holds, or one that does not open, stops start-up with what to do.
    if (isStoreRefusal(err)) fail(err.message);
    // A store that cannot be reached (or went away right after it answered): the console keeps serving (pages say
    // so) and tries again; no crash loop.
    const delay = Math.min(30_000, 1000 * 2 ** attempt);
    setTimeout(() => void prepareStore(attempt + 1), delay).unref();
    return;
  }
  const refusal = productionRefusal(demoUsers);
  if (refusal) fail(refusal);
  // Only this process may open the embedded store: backups and audit checks are asked of it.
  if (env.embeddedStore)
    await serveOperatorCommands(embeddedStoreDir()).catch((err: Error) =>
      console.error(`[store] operator commands unavailable: ${err.message}`),
    );
  // A store whose chain predates the signed checkpoint gets one now, so cutting its newest rows is caught.
  await sealAuditHead(await getDb()).catch((err: Error) =>
    console.error(`[audit] could not checkpoint the audit log: ${err.message}`),
  );
  // The collector reads it again every few seconds should the store be away right now.
  await loadCurrentPrimary().catch((err: Error) =>
    console.error(`[switchyard] could not read the recorded primary yet: ${err.message}`),
  );
  // Runs a previous process left running are marked interrupted, never resumed.
  startActionSweeper();
  if (env.demoUsers) {
    const accounts = await seedDemoUsers();
    console.log(
      [
        "",
        "[switchyard] Demo accounts (embedded store only):",
        ...accounts.map((a) => `  ${a.role.padEnd(9)} ${a.email.padEnd(28)} ${a.password}`),
        `[switchyard] While demo accounts exist the console listens on ${listenHost(env.HOST)} only. To serve others: create a real admin (npm run user:create), set DEMO_USERS=false, delete the demo accounts, set NEXTAUTH_SECRET, then HOST.`,
        "",
      ].join("\n"),
    );
  }
}

/**
 * What other consoles on the store change reaches this one: their events through LISTEN, a new primary
 * re-read at once (and probed by if this console collects), and a fleet that goes stale noticed here.
 */
function followOtherConsoles() {
  listenToOtherConsoles();
  subscribe("topology", () => {
    void resyncCollector()
      .then(() => announceHere("fleet"))
      .catch((err: Error) => console.error(`[switchyard] could not re-read the primary: ${err.message}`));
  });
  watchFreshness();
}

export async function startServer(): Promise<void> {
  // Before the first request: sign-in throttling keys on the socket's address, which route handlers never see.
  stampPeerAddresses();
  const refusal = productionRefusal(0);
  if (refusal) fail(refusal);
  // An invalid fleet file stops start-up, naming the file and the field.
  try {
    readFleetConfig(fleetConfigPath());
  } catch (err) {
    fail((err as Error).message);
  }
  followOtherConsoles();
  await prepareStore();
  startCollector();
}
