import { waitFor } from "@/lab/wait";
import { Collector } from "@/server/fleet/collector";
import { Leadership } from "@/server/fleet/leader";

/**
 * A collector in this test process, working under a real lease taken in the test's store, as a leading
 * console's does. Import it after the test has set the store's environment.
 */
export async function leadingCollector(): Promise<{ collector: Collector; lease: Leadership; stop(): void }> {
  let collector: Collector | null = null;
  const lease = new Leadership(
    (fence) => {
      collector = new Collector(fence, (why) => lease.lose(why));
    },
    () => collector?.stop(),
  );
  lease.start();
  await waitFor("the test's collector to take the lease", () => lease.holds(), { timeoutMs: 15_000 });
  collector!.start();
  return {
    collector: collector!,
    lease,
    stop() {
      collector?.stop();
      lease.stop();
    },
  };
}
