"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { trafficQuery } from "@/lib/queries";
import { trafficViewAt } from "@/lib/traffic-view";
import { useServerNow } from "@/components/ui/use-server-now";

/**
 * Global traffic as of the server's clock now, re-aged every second: a snapshot that grows too old turns stale on
 * the page by itself, even if the stream that should have brought a newer one has frozen.
 */
export function useTraffic() {
  const query = useQuery(trafficQuery);
  const { data } = query;
  const now = useServerNow(data?.generatedAt ?? "1970-01-01T00:00:00.000Z", query.dataUpdatedAt);
  const view = useMemo(
    () => (data ? trafficViewAt(data, Math.max(now, Date.parse(data.generatedAt))) : undefined),
    [data, now],
  );
  return { ...query, data: view };
}
