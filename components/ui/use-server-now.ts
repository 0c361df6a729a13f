"use client";

import { useState, useSyncExternalStore } from "react";
import { useNow } from "@/components/ui/use-now";

const noSubscribe = () => () => {};

/** False while the server renders and during hydration, true after: for values that only the browser knows. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}

/**
 * The server's clock, ticking every second in the browser. The offset between the server's `serverNow` and
 * the browser's clock is taken when each reading arrives (`fetchedAt`: the query's dataUpdatedAt; for the
 * reading the server rendered with, the moment the page hydrated), so every browser shows the same phase
 * clocks whatever its own clock says.
 */
export function useServerNow(serverNow: string, fetchedAt: number): number {
  const now = useNow();
  const [hydrated] = useState(() => ({ serverNow, offset: Date.parse(serverNow) - Date.now() }));
  const offset = serverNow === hydrated.serverNow ? hydrated.offset : Date.parse(serverNow) - fetchedAt;
  return now + offset;
}
