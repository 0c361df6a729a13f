"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { toPoint } from "@/lib/fleet-sample";
import { FleetStream, type FleetEvent } from "@/lib/fleet-stream";
import type { FleetSnapshot } from "@/lib/fleet-view";
import {
  alertGroupsKey,
  fleetQuery,
  historyQuery,
  recentAlertsQuery,
  trafficQuery,
  type HistoryResponse,
} from "@/lib/queries";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * Holds the console's event stream open and writes each push into the TanStack Query cache: the fleet snapshot
 * (`fleet` whole, `fleet-delta` applied to the stream's last one by lib/fleet-stream) replaces ['fleet'], its samples
 * extend the 15-minute chart history, and an alerts, incidents, actions or traffic event refetches what it changed.
 * The deltas' base is the stream's own, not the cache, which polling may have replaced; a delta that cannot be
 * applied opens a new stream, which starts with the whole snapshot. EventSource reconnects by itself; polling in
 * lib/queries is the floor meanwhile.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    let source: EventSource;
    const open = () => {
      source = new EventSource("/api/v1/events");
      source.onopen = () => setState("live");
      source.onerror = () => setState("reconnecting");
      const stream = new FleetStream();
      const onFleet = (event: FleetEvent) => (e: Event) => {
        const snapshot = stream.receive(event, (e as MessageEvent<string>).data);
        if (!snapshot) {
          // A delta this page cannot apply: a new stream starts with the whole snapshot.
          source.close();
          open();
          return;
        }
        queryClient.setQueryData(fleetQuery.queryKey, snapshot);
        queryClient.setQueryData(historyQuery("15m").queryKey, (old: HistoryResponse | undefined) =>
          old ? appendPoints(old, snapshot) : old,
        );
      };
      source.addEventListener("fleet", onFleet("fleet"));
      source.addEventListener("fleet-delta", onFleet("fleet-delta"));
      source.addEventListener("alerts", () => {
        void queryClient.invalidateQueries({ queryKey: recentAlertsQuery.queryKey });
        void queryClient.invalidateQueries({ queryKey: alertGroupsKey });
      });
      source.addEventListener("incidents", () => {
        void queryClient.invalidateQueries({ queryKey: ["incidents"] });
        void queryClient.invalidateQueries({ queryKey: ["incident"] });
      });
      source.addEventListener("actions", () => {
        void queryClient.invalidateQueries({ queryKey: ["actions"] });
        void queryClient.invalidateQueries({ queryKey: ["action"] });
      });
      source.addEventListener(
        "traffic",
        () => void queryClient.invalidateQueries({ queryKey: trafficQuery.queryKey, exact: true }),
      );
    };
    open();
    return () => source.close();
  }, [queryClient]);
  return state;
}

/** Adds each region's newest sample to the 15-minute history, dropping points older than the window. */
function appendPoints(old: HistoryResponse, snapshot: FleetSnapshot): HistoryResponse {
  const cutoff = Date.parse(snapshot.generatedAt) - 15 * 60_000;
  const series = { ...old.series };
  for (const r of snapshot.regions) {
    if (!r.sample) continue;
    const points = series[r.id] ?? [];
    const last = points[points.length - 1];
    if (last && Date.parse(last.at) >= Date.parse(r.sample.at) - 900) continue;
    series[r.id] = [...points.filter((p) => Date.parse(p.at) >= cutoff), toPoint(r.sample)];
  }
  return { ...old, series };
}
