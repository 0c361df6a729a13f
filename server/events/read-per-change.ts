import "server-only";
import { performance } from "node:perf_hooks";
import { env } from "@/server/env";
import { subscribe, type Topic } from "./bus";

type Entry = { promise: Promise<unknown> | null; readAt: number };
const holder = globalThis as unknown as { __switchyardReads?: Map<string, Entry> };

/**
 * One read of the store per change, however many pages, API calls and streams ask for it: an event on any of
 * `topics` (from this console, or another console's through the store) drops the read, and so does its age passing
 * one poll interval. The drop is subscribed when the read is made here, before any page or stream can listen, so a
 * listener that reads on the same event gets the new read. `key` names the read once for every bundle of a module.
 * Callers share the answer: they must not change it.
 */
export function readPerChange<T>(key: string, topics: readonly Topic[], read: () => Promise<T>): () => Promise<T> {
  const reads = (holder.__switchyardReads ??= new Map());
  let entry = reads.get(key);
  if (!entry) {
    const e: Entry = { promise: null, readAt: 0 };
    for (const topic of topics) subscribe(topic, () => (e.promise = null));
    reads.set(key, (entry = e));
  }
  const e = entry;
  return () => {
    if (!e.promise || performance.now() - e.readAt >= env.POLL_INTERVAL) {
      e.readAt = performance.now();
      const p = read().catch((err: unknown) => {
        if (e.promise === p) e.promise = null;
        throw err;
      });
      e.promise = p;
    }
    return e.promise as Promise<T>;
  };
}
