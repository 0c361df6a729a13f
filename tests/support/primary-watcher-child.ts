/**
 * A standby console as far as the recorded primary goes: it follows the other consoles' events through the
 * store, as server/startup.ts does, and prints `PRIMARY <region> <epoch ms>` each time it re-reads the primary
 * it routes by. Run with `node --conditions=react-server --import tsx` and DATABASE_URL set.
 */
import { listenToOtherConsoles, subscribe } from "../../server/events/bus";
import { resyncCollector } from "../../server/fleet/collector";
import { getFleetConfig } from "../../server/fleet/config";

const show = async () => {
  await resyncCollector();
  const primary = getFleetConfig().regions.find((r) => r.role === "primary")?.id;
  console.log(`PRIMARY ${primary} ${Date.now()}`);
};
subscribe("topology", () => void show());
listenToOtherConsoles();
void show();
