import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import pg from "pg";
import { getDb } from "@/server/db";
import { env } from "@/server/env";

/**
 * What changed: the fleet's samples and statuses, the set of alerts, an incident, a runbook action, or the
 * recorded primary (topology).
 */
export const topics = ["fleet", "alerts", "incidents", "actions", "topology"] as const;
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
 * NOTIFY on the store: what changed (the topic and, for the fleet, which regions), never the figures
 * themselves, which every console reads from the store.
 */
export function publish(topic: Topic, detail: { regions?: string[] } = {}): void {
  const b = bus();
  b.emitter.emit(topic);
  if (env.DATABASE_URL) {
    const payload = JSON.stringify({ from: b.instanceId, topic, ...detail });
    void getDb()
      .then((db) => db.query("select pg_notify($1, $2)", [CHANNEL, payload]))
      .catch(() => undefined);
  }
}

export function subscribe(topic: Topic, listener: () => void): () => void {
  const b = bus();
  b.emitter.on(topic, listener);
  return () => b.emitter.off(topic, listener);
}

function parse(payload: string | undefined): { from: string; topic: Topic } | null {
  try {
    const m = JSON.parse(payload ?? "") as { from?: unknown; topic?: unknown };
    return typeof m.from === "string" && topics.includes(m.topic as Topic) ? { from: m.from, topic: m.topic as Topic } : null;
  } catch {
    return null;
  }
}

/**
 * With a shared store, re-emits other consoles' events here: LISTEN on a connection of its own, reconnecting.
 * After every (re)connection each topic is emitted once, since what was sent meanwhile is lost.
 */
export function listenToOtherConsoles(): void {
  const b = bus();
  if (!env.DATABASE_URL || b.listening) return;
  b.listening = true;
  const connect = async () => {
    const client = new pg.Client({ connectionString: env.DATABASE_URL, application_name: "switchyard-events", keepAlive: true });
    let retried = false;
    const retry = () => {
      if (retried) return;
      retried = true;
      client.removeAllListeners();
      client.on("error", () => undefined);
      client.end().catch(() => undefined);
      setTimeout(() => void connect(), 1000).unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", (n) => {
      const m = parse(n.payload);
      if (m && m.from !== b.instanceId) b.emitter.emit(m.topic);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      for (const t of topics) b.emitter.emit(t);
    } catch {
      retry();
    }
  };
  void connect();
}
