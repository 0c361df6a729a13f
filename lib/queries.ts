import { queryOptions } from "@tanstack/react-query";
import type { ChartRange, SamplePoint } from "./fleet-sample";
import type { AlertView, FleetSnapshot } from "./fleet-view";
import type { ActionRun, ActionRunDetail } from "./actions/run";
import type { AlertGroupStatus, AlertGroupView } from "./alert-groups";
import type { Incident, IncidentDetail } from "./incident";
import type { TrafficHistory, TrafficView } from "./traffic-view";

async function getJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, cache: "no-store" });
  if (!res.ok)
    throw new Error(
      res.status === 401
        ? "Your session has ended; sign in again."
        : res.status === 503
          ? "the console's store cannot be reached; Switchyard keeps retrying"
          : `The console answered ${res.status}.`,
    );
  return res.json();
}

/**
 * The query contract per entity: the server prefetches with these keys, the live stream (use-live-updates)
 * writes pushes into them, and polling is only the slow floor for when the stream is down.
 */
export const fleetQuery = queryOptions({
  queryKey: ["fleet"] as const,
  queryFn: ({ signal }) => getJson<FleetSnapshot>("/api/v1/fleet", signal),
  refetchInterval: 10_000,
  // Every console page holds the live stream, which starts with the whole snapshot: a page that mounts with the
  // server's snapshot (or the stream's) need not read it again at once. The poll above stays the floor.
  staleTime: 10_000,
});

export type HistoryResponse = { range: ChartRange; bucketSeconds: number; series: Record<string, SamplePoint[]> };

export const historyQuery = (range: ChartRange) =>
  queryOptions({
    queryKey: ["history", range] as const,
    queryFn: ({ signal }) => getJson<HistoryResponse>(`/api/v1/history?range=${range}`, signal),
    refetchInterval: range === "15m" ? 15_000 : 60_000,
  });

/**
 * Global traffic: the collector's latest snapshot with its age. The live stream's `traffic` event (at once when who
 * serves whom or a region's state changes, every few seconds for figures) invalidates it; the poll is the floor.
 */
export const trafficQuery = queryOptions({
  queryKey: ["traffic"] as const,
  queryFn: ({ signal }) => getJson<TrafficView>("/api/v1/traffic", signal),
  refetchInterval: 10_000,
  // A page that mounts with the server's view need not read it again at once: the stream says when it changes.
  staleTime: 5_000,
});

/** Traffic chart history (its own key: a `traffic` event does not re-read it; pages add the newest snapshot's points). */
export const trafficHistoryQuery = (range: ChartRange) =>
  queryOptions({
    queryKey: ["traffic-history", range] as const,
    queryFn: ({ signal }) => getJson<TrafficHistory>(`/api/v1/traffic/history?range=${range}`, signal),
    refetchInterval: range === "15m" ? 30_000 : 60_000,
  });

export const recentAlertsQuery = queryOptions({
  queryKey: ["alerts", "recent"] as const,
  queryFn: ({ signal }) => getJson<{ alerts: AlertView[] }>("/api/v1/alerts", signal),
  refetchInterval: 15_000,
});

/** The key both alert-group lists sit under: the live stream's `alerts` event invalidates it, so both at once. */
export const alertGroupsKey = ["alerts", "groups"] as const;

/**
 * Alert groups, "recent" (open and resolved in the last hour) or only "open" (the overview's firing alerts); an
 * `alerts` event on the live stream (a group opened, paged, acknowledged or closed) invalidates both.
 */
export const alertGroupsQuery = (status: AlertGroupStatus = "recent") =>
  queryOptions({
    queryKey: [...alertGroupsKey, status] as const,
    queryFn: ({ signal }) => getJson<{ groups: AlertGroupView[] }>(`/api/v1/alerts/groups?status=${status}`, signal),
    refetchInterval: 15_000,
  });

export const incidentsQuery = (
  filter: { status: "open" | "resolved" | "all"; severity?: string; scenarioId?: string } = { status: "open" },
) =>
  queryOptions({
    queryKey: ["incidents", filter] as const,
    queryFn: ({ signal }) => {
      const q = new URLSearchParams(
        Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === "string"),
      );
      return getJson<{ incidents: Incident[] }>(`/api/v1/incidents?${q}`, signal);
    },
    refetchInterval: 30_000,
  });

export const incidentQuery = (id: number) =>
  queryOptions({
    queryKey: ["incident", id] as const,
    queryFn: ({ signal }) => getJson<IncidentDetail>(`/api/v1/incidents/${id}`, signal),
    refetchInterval: 30_000,
  });

export const actionsQuery = (filter: { status?: string; incidentId?: number } = {}) =>
  queryOptions({
    queryKey: ["actions", filter] as const,
    queryFn: ({ signal }) => {
      const q = new URLSearchParams(
        Object.entries(filter)
          .filter((e) => e[1] !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
      return getJson<{ runs: ActionRun[] }>(`/api/v1/actions?${q}`, signal);
    },
    refetchInterval: 15_000,
  });

export const actionQuery = (id: number) =>
  queryOptions({
    queryKey: ["action", id] as const,
    queryFn: ({ signal }) => getJson<ActionRunDetail>(`/api/v1/actions/${id}`, signal),
    refetchInterval: (q) => (q.state.data?.status === "running" ? 2_000 : 15_000),
  });
