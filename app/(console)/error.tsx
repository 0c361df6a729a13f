"use client";

import { ErrorView } from "@/components/ui/error-view";

/** Inside the console's layout (its header stays): a page whose store went away says so, and comes back by itself. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorView error={error} reset={reset} />;
}
