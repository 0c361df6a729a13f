"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { snapshotAt } from "@/lib/freshness";
import { fleetQuery } from "@/lib/queries";
import { useServerNow } from "@/components/ui/use-server-now";

/**
 * The fleet snapshot as of the server's clock now, re-aged every second: a region whose newest sample grows
 * too old turns stale on the page by itself, even if the stream that should have told it has frozen.
 */
export function useFleet() {
  const query = useQuery(fleetQuery);
  const { data } = query;
  const now = useServerNow(data?.generatedAt ?? "1970-01-01T00:00:00.000Z", query.dataUpdatedAt);
  const fresh = useMemo(
    () => (data ? snapshotAt(data, Math.max(now, Date.parse(data.generatedAt))) : undefined),
    [data, now],
  );
  return { ...query, data: fresh };
}
