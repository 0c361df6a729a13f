"use client";

import { useEffect, useState } from "react";
import type { ActionResult } from "@/lib/action-result";
import type { ActionInput, ActionPreview, RequestFormActions } from "@/components/actions/action-types";

export type PreviewState = {
  /** the answer for exactly these parameters, or null while it is on its way */
  current: ActionResult<ActionPreview> | null;
  /** the last answer for any parameters: shown dimmed while the next one comes */
  last: ActionResult<ActionPreview> | null;
  checking: boolean;
  /** runs the pre-flight again for the same parameters (its observations age) */
  again: () => void;
};

/**
 * Runs the live pre-flight and dry run for the form's parameters, `delayMs` after they last changed, and keeps
 * only the answer to the newest question (an older, slower answer never overwrites a newer one).
 */
export function useActionPreview(
  preview: RequestFormActions["preview"],
  input: ActionInput | null,
  delayMs = 300,
): PreviewState {
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<{ key: string; result: ActionResult<ActionPreview> } | null>(null);
  const key = input ? JSON.stringify({ input, round }) : null;

  useEffect(() => {
    if (!key) return;
    let stale = false;
    const timer = setTimeout(async () => {
      let result: ActionResult<ActionPreview>;
      try {
        result = await preview((JSON.parse(key) as { input: ActionInput }).input);
      } catch {
        result = {
          ok: false,
          code: "unavailable",
          message: "The console did not answer; the pre-flight could not run.",
        };
      }
      if (!stale) setAnswer({ key, result });
    }, delayMs);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [key, preview, delayMs]);

  const current = answer && answer.key === key ? answer.result : null;
  return {
    current,
    last: answer?.result ?? null,
    checking: key !== null && !current,
    again: () => setRound((n) => n + 1),
  };
}
