"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  // Server errors arrive with their message withheld in production; the store's is the one users meet most.
  const storeDown = /store cannot be reached/i.test(error.message);
  return (
    <main className="mx-auto max-w-lg px-4 py-16 text-center" role="alert">
      <h1 className="text-xl font-semibold">{storeDown ? "The console's store cannot be reached" : "Something went wrong"}</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        {storeDown
          ? "Switchyard cannot read its own database right now. The lab and the fleet are unaffected; this page retries when you ask."
          : "The console hit an unexpected error. Its log has the details"}
        {error.digest ? ` (reference ${error.digest}).` : "."}
      </p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800">
        Try again
      </button>
    </main>
  );
}
