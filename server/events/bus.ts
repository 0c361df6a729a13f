import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import pg from "pg";
import { getDb } from "@/server/db";
import { env } from "@/server/env";

/** What changed: the fleet's samples and statuses, the set of alerts, an incident, or a runbook action. */
export type Topic = "fleet" | "alerts" | "incidents" | "actions";

const CHANNEL = "switchyard_events";

const holder = globalThis as unknown as { __switchyardBus?: { emitter: EventEmitter; instanceId: string; listening: boolean } };
function bus() {
  if (!holder.__switchyardBus) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    holder.__switchyardBus = { emitter, instanceId: randomUUID(), listening: false };
  }
  return holder.__switchyardBus;
}

/** Tells this console's listeners, and with a shared PostgreSQL store the other consoles' too. */
export function publish(topic: Topic): void {
  const b = bus();
  b.emitter.emit(topic);
  if (env.DATABASE_URL) {
    void getDb()
      .then((db) => db.query("select pg_notify($1, $2)", [CHANNEL, `${b.instanceId}:${topic}`]))
      .catch(() => undefined);
  }
}

export function subscribe(topic: Topic, listener: () => void): () => void {
  const b = bus();
  b.emitter.on(topic, listener);
  return () => b.emitter.off(topic, listener);
}

/** With a shared store, re-emits other consoles' events here (LISTEN on a connection of its own, reconnecting). */
export function listenToOtherConsoles(): void {
  const b = bus();
  if (!env.DATABASE_URL || b.listening) return;
  b.listening = true;
  const connect = async () => {
    const client = new pg.Client({ connectionString: env.DATABASE_URL, application_name: "switchyard-events" });
    const retry = () => {
      client.removeAllListeners();
      client.on("error", () => undefined);
      client.end().catch(() => undefined);
      setTimeout(() => void connect(), 2000).unref();
    };
    client.on("error", retry);
    client.on("notification", (n) => {
      const [from, topic] = (n.payload ?? "").split(":");
      if (from !== b.instanceId && (topic === "fleet" || topic === "alerts" || topic === "incidents" || topic === "actions")) b.emitter.emit(topic);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch {
      retry();
    }
  };
  void connect();
}
