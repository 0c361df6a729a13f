"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Reads the page again from the server every `seconds` while it is open (the status page has no live stream). */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
