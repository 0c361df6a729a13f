import "server-only";
import { publish, subscribe } from "@/server/events/bus";
import { findUserById, type User } from "./users";

/**
 * The accounts behind sessions, read from the store once and kept, so that a page or an API request does not read
 * its user row every time. Every change to an account that a session depends on (its role, its session epoch)
 * announces `users` once committed (`usersChanged`); this console, and every other one through the store's NOTIFY,
 * then forgets every account at once, so a role change or an ended session applies on the next request. MAX_AGE_MS
 * is the floor for a change made behind the console's back (SQL by hand) or an announcement that was lost.
 */
const MAX_AGE_MS = 5_000;
const MAX_ENTRIES = 1000;

type Found = (User & { sessionEpoch: number }) | null;
type Cache = { entries: Map<string, { at: number; user: Promise<Found> }>; subscribed: boolean };
const holder = globalThis as unknown as { __switchyardUserCache?: Cache };

function cache(): Cache {
  const c = (holder.__switchyardUserCache ??= { entries: new Map(), subscribed: false });
  if (!c.subscribed) {
    c.subscribed = true;
    // The bus also emits every topic after its LISTEN connection is made again: whatever was missed is dropped too.
    subscribe("users", () => c.entries.clear());
  }
  return c;
}

/** The account with this id as the store has it (at most MAX_AGE_MS old, never older than the last announced change). */
export function userById(id: string): Promise<Found> {
  const { entries } = cache();
  const now = performance.now();
  const hit = entries.get(id);
  if (hit && now - hit.at < MAX_AGE_MS) return hit.user;
  const entry = { at: now, user: findUserById(id) };
  entries.delete(id);
  entries.set(id, entry);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  // A failed read is not kept: the next request asks the store again.
  entry.user.catch(() => entries.get(id) === entry && entries.delete(id));
  return entry.user;
}

/** Call after a change to accounts is committed: every console forgets the accounts it kept. */
export function usersChanged(): void {
  publish("users");
}
