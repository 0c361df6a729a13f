import { waitFor } from "@/lab/wait";
import { Collector } from "@/server/fleet/collector";
import { Leadership } from "@/server/fleet/leader";

/**
 * A collector in this test process, working under a real lease taken in the test's store, as a leading
 * console's does: a lease lost (the store away longer than the lease) stops it, and the lease taken again starts
 * a new one. Import it after the test has set the store's environment.
 */
export async function leadingCollector(): Promise<{ readonly collector: Collector; lease: Leadership; stop(): void }> {
  let collector: Collector | null = null;
  let started = false;
  const lease = new Leadership(
    (fence) => {
      collector = new Collector(fence, (why) => lease.lose(why));
      if (started) collector.start();
    },
    () => collector?.stop(),
  );
  lease.start();
  await waitFor("the test's collector to take the lease", () => lease.holds(), { timeoutMs: 15_000 });
  started = true;
  collector!.start();
  return {
    get collector() {
      return collector!;
    },
    lease,
    stop() {
      collector?.stop();
      lease.stop();
    },
  };
}
