"use client";

import { useSyncExternalStore } from "react";
import { formatAgo, formatTimestamp } from "@/lib/format";
import { useNow } from "@/components/ui/use-now";

const noSubscribe = () => () => {};

/**
 * A moment with its time zone: the browser's own zone, and UTC while the server renders, so hydration never
 * disagrees (the relative part differs by a moment and is allowed to). `show`: "both" (default) gives
 * "12 s ago · 25 Nov 2026, 12:00:00 GMT+1" (`stack`: on two lines); "ago" gives "12 s ago" with the full time on hover and for screen
 * readers; "full" only the full time.
 */
export function Timestamp({
  iso,
  show = "both",
  stack,
  className,
}: {
  iso: string;
  show?: "both" | "ago" | "full";
  stack?: boolean;
  className?: string;
}) {
  const now = useNow();
  const full = useSyncExternalStore(
    noSubscribe,
    () => formatTimestamp(iso),
    () => formatTimestamp(iso, "UTC"),
  );
  if (show === "full") {
    return (
      <time dateTime={iso} className={className}>
        {full}
      </time>
    );
  }
  const ago = <span suppressHydrationWarning>{formatAgo(iso, now)}</span>;
  if (show === "ago") {
    return (
      <time dateTime={iso} title={full} className={className}>
        {ago}
        <span className="sr-only"> ({full})</span>
      </time>
    );
  }
  return (
    <time dateTime={iso} title={full} className={className}>
      {ago}
      {!stack && <span aria-hidden> · </span>}
      <span className={`text-slate-500 dark:text-slate-400 ${stack ? "block text-xs font-normal" : ""}`}>{full}</span>
    </time>
  );
}
