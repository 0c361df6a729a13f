"use client";

import { formatAgo, formatTimestamp } from "@/lib/format";
import { useNow } from "./use-now";

/** "12 s ago", with the full time and zone on hover and for screen readers. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
  const full = formatTimestamp(iso);
  return (
    <time dateTime={iso} title={full} suppressHydrationWarning>
      {formatAgo(iso, now)}
      <span className="sr-only"> ({full})</span>
    </time>
  );
}
