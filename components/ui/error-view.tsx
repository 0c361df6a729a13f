"use client";

import { isStoreErrorDigest, StoreErrorNotice } from "./store-unreachable";

/**
 * What an error boundary shows: the store's trouble in its own words (recognised by the digest the server gave the
 * error, since a production build strips its message), anything else as an unexpected error with its reference.
 */
export function ErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  if (isStoreErrorDigest(error.digest)) {
    return (
      <div className="mx-auto max-w-lg px-4 py-16">
        <StoreErrorNotice digest={error.digest} reset={reset} />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg px-4 py-16 text-center" role="alert">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        The console hit an unexpected error. Its log has the details{error.digest ? ` (reference ${error.digest})` : ""}
        .
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800"
      >
        Try again
      </button>
    </div>
  );
}
