"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { toPoint } from "@/lib/fleet-sample";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { fleetQuery, historyQuery, recentAlertsQuery, type HistoryResponse } from "@/lib/queries";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * Holds the console's event stream open and writes each push into the TanStack Query cache: the fleet
 * snapshot replaces ['fleet'], its samples extend the 15-minute chart history, and an alerts, incidents or actions event
 * refetches what it changed. EventSource reconnects by itself; polling in lib/queries is the floor meanwhile.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => setState("live");
    source.onerror = () => setState("reconnecting");
    source.addEventListener("fleet", (e) => {
      const snapshot = JSON.parse((e as MessageEvent<string>).data) as FleetSnapshot;
      queryClient.setQueryData(fleetQuery.queryKey, snapshot);
      queryClient.setQueryData(historyQuery("15m").queryKey, (old: HistoryResponse | undefined) => (old ? appendPoints(old, snapshot) : old));
    });
    source.addEventListener("alerts", () => void queryClient.invalidateQueries({ queryKey: recentAlertsQuery.queryKey }));
    source.addEventListener("incidents", () => {
      void queryClient.invalidateQueries({ queryKey: ["incidents"] });
      void queryClient.invalidateQueries({ queryKey: ["incident"] });
    });
    source.addEventListener("actions", () => {
      void queryClient.invalidateQueries({ queryKey: ["actions"] });
      void queryClient.invalidateQueries({ queryKey: ["action"] });
    });
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
