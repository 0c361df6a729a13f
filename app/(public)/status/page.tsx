import type { Metadata } from "next";
import { StatusView } from "@/components/status/status-view";
import { STATUS_PAGE_NAME } from "@/lib/status-feed";
import type { ServedStatus } from "@/lib/status-page";
import { getPublicStatus } from "@/server/status/status-service";

// Read at each request: the status now, never one from the build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { absolute: STATUS_PAGE_NAME },
  description: "The service's components, incidents and uptime.",
  alternates: {
    types: { "application/atom+xml": "/status/feed.atom", "application/json": "/status/summary.json" },
  },
};

/** The public status page: no sign-in, the public view model only (server/status), the last good one while the store is away. */
export default async function StatusPage() {
  const served: ServedStatus | null = await getPublicStatus().catch(() => null);
  return <StatusView served={served} />;
}
