import "server-only";
import { performance } from "node:perf_hooks";
import { env } from "@/server/env";
import { subscribe, type Topic } from "./bus";

type Entry = { promise: Promise<unknown> | null; readAt: number; taking: boolean };
const holder = globalThis as unknown as { __switchyardReads?: Map<string, Entry> };

export interface ReadPerChange<T> {
  (): Promise<T>;
  /**
   * A change this console made and knows the outcome of: the cached read becomes `change(read)` without asking the
   * store again (`null`: it stays as it is), and `tell` tells the listeners, who are handed that read, not a new one.
   */
  take(change: ((read: T) => T) | null, tell: () => void): void;
}

/**
 * One read of the store per change, however many pages, API calls and streams ask for it: an event on any of
 * `topics` (from this console, or another console's through the store) drops the read, and so does its age passing
 * one poll interval. The drop is subscribed when the read is made here, before any page or stream can listen, so a
 * listener that reads on the same event gets the new read. `key` names the read once for every bundle of a module.
 * Callers share the answer: they must not change it.
 */
export function readPerChange<T>(key: string, topics: readonly Topic[], read: () => Promise<T>): ReadPerChange<T> {
  const reads = (holder.__switchyardReads ??= new Map());
  let entry = reads.get(key);
  if (!entry) {
    const e: Entry = { promise: null, readAt: 0, taking: false };
    for (const topic of topics)
      subscribe(topic, () => {
        if (!e.taking) e.promise = null;
      });
    reads.set(key, (entry = e));
  }
  const e = entry;
  // A failed read (or change) is not kept: the next call asks the store again.
  const keep = (p: Promise<unknown>) => {
    e.promise = p;
    e.readAt = performance.now();
    p.catch(() => {
      if (e.promise === p) e.promise = null;
    });
  };
  const get = () => {
    if (!e.promise || performance.now() - e.readAt >= env.POLL_INTERVAL) keep(read());
    return e.promise as Promise<T>;
  };
  const take = (change: ((read: T) => T) | null, tell: () => void) => {
    if (change && e.promise) keep((e.promise as Promise<T>).then(change));
    e.taking = true;
    try {
      tell();
    } finally {
      e.taking = false;
    }
  };
  return Object.assign(get, { take });
}
