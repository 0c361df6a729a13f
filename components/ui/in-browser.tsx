"use client";

import type { ReactNode } from "react";
import { useHydrated } from "./use-server-now";

/**
 * What only the browser can show (a countdown on its clock, the reader's time zone): nothing while the server renders
 * and hydrates, then `children`. Going live re-renders this alone, not the page around it, in the task that finishes
 * the hydration.
 */
export function InBrowser({ children }: { children: ReactNode }) {
  return useHydrated() ? children : null;
}
