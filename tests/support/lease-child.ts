/**
 * A leading console, as far as its lease and its sample writes go: takes the collector lease and writes a
 * sample of REGION every 100 ms under it, printing one line per outcome (LEAD <term>, WROTE <term>,
 * REFUSED <why>, LOST <why>), so a test can freeze it with SIGSTOP and see what it does after SIGCONT.
 * Run with `node --conditions=react-server --import tsx`, DATABASE_URL, LEASE_MS and REGION set.
 */
import { regionView } from "./fleet-fixtures";
import { FencedError, Leadership } from "../../server/fleet/leader";
import { writeSamples } from "../../server/fleet/sample-store";

const sample = () => ({ ...regionView(process.env.REGION!).sample!, at: new Date().toISOString() });
const lease = new Leadership(
  (fence) => console.log(`LEAD ${fence.term}`),
  (why) => console.log(`LOST ${why}`),
  { leaseMs: Number(process.env.LEASE_MS) },
);
lease.start();
setInterval(() => {
  if (!lease.leading) return;
  if (!lease.holds()) return void console.log(`REFUSED locally: the lease of term ${lease.term} ran out`);
  const s = sample();
  writeSamples([s], [s], lease).then(
    () => console.log(`WROTE ${lease.term}`),
    (err: Error) => {
      console.log(`REFUSED ${err.message}`);
      if (err instanceof FencedError) lease.lose(err.message);
    },
  );
}, 100);
