import { queryOptions } from "@tanstack/react-query";
import type { RegionsResponse } from "./region-health";

/** The query contract per entity: the server prefetches with the same key the client polls. */
export const regionsQuery = queryOptions({
  queryKey: ["regions"] as const,
  queryFn: async ({ signal }): Promise<RegionsResponse> => {
    const res = await fetch("/api/v1/health/regions", { signal, cache: "no-store" });
    if (!res.ok) throw new Error(res.status === 401 ? "Your session has ended; sign in again." : `The console answered ${res.status}.`);
    return res.json();
  },
  refetchInterval: 1000,
  refetchIntervalInBackground: true,
});
