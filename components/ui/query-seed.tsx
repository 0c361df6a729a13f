import { dehydrate, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { QuerySeedBoundary } from "./query-seed-boundary";

/**
 * What a page read on the server, handed to its client components' queries under their keys (TanStack Query's
 * dehydrate and hydrate), as one JSON string: the JSON the API would answer, and one value in the page's payload
 * instead of one per field (some 600 on the overview), each of which React serialises and parses again for the HTML.
 */
export function QuerySeed({ client, children }: { client: QueryClient; children: ReactNode }) {
  return <QuerySeedBoundary state={JSON.stringify(dehydrate(client))}>{children}</QuerySeedBoundary>;
}
