/** Shown instead of a page when the console's own store does not answer; the fleet is unaffected. */
export function StoreUnavailable({ detail }: { detail: string }) {
  return (
    <main className="mx-auto max-w-lg px-4 py-16 text-center" role="alert">
      <h1 className="text-xl font-semibold">The console&apos;s store cannot be reached</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Switchyard cannot read its own database right now, so it cannot sign you in or show its pages. The fleet it watches is not affected.
        The console keeps trying; reload in a moment.
      </p>
      <p className="mt-4 font-mono text-xs text-slate-500">{detail}</p>
    </main>
  );
}
