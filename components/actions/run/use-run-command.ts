"use client";

import { useState } from "react";
import type { ActionResult } from "@/lib/action-result";

/** One command at a time on a run (approve, reject, cancel, ...): which is in flight, and the last refusal. */
export function useRunCommand(refresh: () => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(name: string, work: () => Promise<ActionResult<unknown>>): Promise<boolean> {
    setBusy(name);
    setError(null);
    try {
      const r = await work();
      if (!r.ok) setError(r.message);
      return r.ok;
    } catch {
      setError("The console did not answer; try again.");
      return false;
    } finally {
      setBusy(null);
      refresh();
    }
  }
  return { busy, error, run };
}
