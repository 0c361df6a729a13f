import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import pg from "pg";
import { getDb } from "@/server/db";
import { env } from "@/server/env";

/**
 * What changed: the fleet's samples and statuses, the set of alerts, an incident, a runbook action, the
 * recorded primary (topology), an account's role or sessions (users), or the global traffic snapshot (traffic).
 */
export const topics = ["fleet", "alerts", "incidents", "actions", "topology", "users", "traffic"] as const;
export type Topic = (typeof topics)[number];

const CHANNEL = "switchyard_events";

type Bus = { emitter: EventEmitter; instanceId: string; listening: boolean };
const holder = globalThis as unknown as { __switchyardBus?: Bus };
function bus(): Bus {
  if (!holder.__switchyardBus) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    holder.__switchyardBus = { emitter, instanceId: randomUUID(), listening: false };
  }
  return holder.__switchyardBus;
}

/** This console's id on the bus: the leader's lease names it too. */
export const consoleId = () => bus().instanceId;

/** Tells this console's listeners only: a change this console noticed by itself (a region turning stale). */
export function announceHere(topic: Topic): void {
  bus().emitter.emit(topic);
}

/**
 * Tells this console's listeners, and with a shared PostgreSQL store the other consoles' too, through
 * NOTIFY on the store: what changed (the topic), never the figures themselves, which every console reads
 * from the store.
 */
export function publish(topic: Topic): void {
  const b = bus();
  b.emitter.emit(topic);
  if (env.DATABASE_URL) {
    void getDb()
      .then((db) => db.query("select pg_notify($1, $2)", notice(topic)))
      .catch(() => undefined);
  }
}

/**
 * The arguments of `pg_notify` that tell the other consoles of a change: for publish, and for a write that tells
 * them itself, calling `pg_notify` in its own statement, so that the notice goes out when the write commits (and
 * only if it does) rather than a round trip later. Such a writer tells this console's listeners with announceHere.
 */
export function notice(topic: Topic): [channel: string, payload: string] {
  return [CHANNEL, `${bus().instanceId}:${topic}`];
}

export function subscribe(topic: Topic, listener: () => void): () => void {
  const b = bus();
  b.emitter.on(topic, listener);
  return () => b.emitter.off(topic, listener);
}

/** How often the LISTEN connection is asked whether it still works, and how long an answer may take. */
const PING_MS = 5_000;
const PING_TIMEOUT_MS = 5_000;

/**
 * With a shared store, re-emits other consoles' events here: LISTEN on a connection of its own, reconnecting.
 * After every (re)connection each topic is emitted once, since what was sent meanwhile is lost. A store that
 * restarts ends the connection at once; one that stops answering (frozen, or a link that drops packets) is found
 * by a ping every few seconds that does not come back in time, and the connection is made again.
 */
export function listenToOtherConsoles(): void {
  const b = bus();
  if (!env.DATABASE_URL || b.listening) return;
  b.listening = true;
  const connect = async () => {
    const client = new pg.Client({
      connectionString: env.DATABASE_URL,
      application_name: "switchyard-events",
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      query_timeout: PING_TIMEOUT_MS,
    });
    let retried = false;
    let ping: NodeJS.Timeout | undefined;
    const retry = () => {
      if (retried) return;
      retried = true;
      clearInterval(ping);
      client.removeAllListeners();
      client.on("error", () => undefined);
      client.end().catch(() => undefined);
      setTimeout(() => void connect(), 1000).unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", (n) => {
      const [from, topic] = (n.payload ?? "").split(":");
      if (from !== b.instanceId && topics.includes(topic as Topic)) b.emitter.emit(topic as Topic);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      for (const t of topics) b.emitter.emit(t);
      ping = setInterval(() => void client.query("select 1").catch(retry), PING_MS);
      ping.unref();
    } catch {
      retry();
    }
  };
  void connect();
}
