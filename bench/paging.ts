import { performance } from "node:perf_hooks";
import { injectFault } from "../lab/index";
import { startWebhookReceiver } from "../tests/support/webhook-receiver";
import { rounded, sleep, summarize, type Summary } from "./stats";

/**
 * Issue 12's first minutes: from `db-down` on the us-east-1 primary to the page received by a local receiver (the
 * team's pager webhook, Switchyard's JSON), and how many pages that one fault sent. t0 is taken just before
 * injectFault is called; the count is taken SETTLE_MS after the first page, then the fault is recovered and the
 * group's resolution awaited, so the next run starts from a closed group.
 */

const REGION = "us-east-1";
const TIMEOUT_MS = 30_000;
const SETTLE_MS = 5_000;

type PageBody = { type?: string; action?: string; summary?: string };

export interface PagingFigures {
  runs: { run: number; pagedMs: number | null; pages: number }[];
  pagedMs: Summary;
  /** runs that sent exactly one page */
  single: number;
  missed: number;
}

export async function measurePaging(
  runs: number,
  labDir: string,
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>,
  healthy: () => Promise<void>,
  log: (s: string) => void,
): Promise<PagingFigures> {
  const out: PagingFigures["runs"] = [];
  const triggers = () => (receiver.bodies as PageBody[]).filter((b) => b.type === "page" && b.action === "trigger");
  for (let run = 1; run <= runs; run++) {
    receiver.bodies.length = 0;
    const t0 = performance.now();
    await injectFault(REGION, "db-down", { labDir });
    let pagedMs: number | null = null;
    while (performance.now() - t0 < TIMEOUT_MS) {
      if (triggers().length > 0) {
        pagedMs = performance.now() - t0;
        break;
      }
      await sleep(5);
    }
    if (pagedMs !== null) await sleep(SETTLE_MS);
    const pages = triggers().length;
    out.push({ run, pagedMs, pages });
    log(`  run ${run}: ${pagedMs === null ? "no page" : `paged after ${Math.round(pagedMs)} ms`}, ${pages} page(s)`);
    await injectFault(REGION, "recover", { labDir });
    await healthy();
    const resolvedBy = performance.now() + TIMEOUT_MS;
    while (
      pages > 0 &&
      performance.now() < resolvedBy &&
      !(receiver.bodies as PageBody[]).some((b) => b.action === "resolve")
    )
      await sleep(50);
  }
  const paged = out.flatMap((r) => (r.pagedMs === null ? [] : [r.pagedMs]));
  return {
    runs: out,
    pagedMs: rounded(summarize(paged), 0),
    single: out.filter((r) => r.pages === 1).length,
    missed: out.filter((r) => r.pagedMs === null).length,
  };
}
