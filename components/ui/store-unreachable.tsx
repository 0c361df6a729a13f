"use client";

import { useRouter } from "next/navigation";
import { startTransition, useEffect } from "react";
import {
  STORE_FULL_DIGEST,
  STORE_UNREACHABLE_DIGEST,
  storeFullMessage,
  storeUnreachableBare,
  storeUnreachableText,
  storeUnreachableTitle,
} from "@/lib/store-status";

const LOOK_EVERY_MS = 2_000;

/** Asks /api/health (no sign-in needed) every two seconds; calls `onBack` once, when the store answers again. */
function useWhenStoreAnswers(onBack: () => void) {
  useEffect(() => {
    let done = false;
    const timer = setInterval(() => {
      void fetch("/api/health", { cache: "no-store" })
        .then((r) => r.json() as Promise<{ store?: string }>)
        .then((h) => {
          if (done || h.store !== "ok") return;
          done = true;
          clearInterval(timer);
          onBack();
        })
        .catch(() => undefined);
    }, LOOK_EVERY_MS);
    return () => {
      done = true;
      clearInterval(timer);
    };
  }, [onBack]);
}

/**
 * Said instead of a page (or above the fleet as this console last knew it) while the console's own store cannot be
 * reached. Never the store's raw error: that is in the console's log. The page comes back by itself once the store
 * answers: `onBack`, or a refresh of the route.
 */
export function StoreUnreachableNotice({
  withFleet,
  text,
  onBack,
}: {
  withFleet: boolean;
  text?: string;
  onBack?: () => void;
}) {
  const router = useRouter();
  useWhenStoreAnswers(onBack ?? router.refresh);
  return (
    <div
      role="alert"
      data-testid="store-unreachable"
      className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <h1 className="font-semibold">{storeUnreachableTitle}</h1>
      <p className="mt-1 text-sm">{text ?? (withFleet ? storeUnreachableText : storeUnreachableBare)}</p>
    </div>
  );
}

/** Whether an error that reached an error boundary is the store's (unreachable, or its disk full). */
export const isStoreErrorDigest = (digest: string | undefined) =>
  digest === STORE_UNREACHABLE_DIGEST || digest === STORE_FULL_DIGEST;

/** What an error boundary shows for an error that is the store's; it tries the page again once the store answers. */
export function StoreErrorNotice({ digest, reset }: { digest: string | undefined; reset: () => void }) {
  const router = useRouter();
  const again = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  if (digest === STORE_UNREACHABLE_DIGEST) return <StoreUnreachableNotice withFleet={false} onBack={again} />;
  if (digest === STORE_FULL_DIGEST) {
    return (
      <div
        role="alert"
        data-testid="store-full"
        className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
      >
        <h1 className="font-semibold">Store full</h1>
        <p className="mt-1 text-sm">{storeFullMessage}</p>
        <button
          type="button"
          onClick={again}
          className="mt-3 rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
        >
          Try again
        </button>
      </div>
    );
  }
  return null;
}
