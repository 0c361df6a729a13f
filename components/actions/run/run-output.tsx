"use client";

import { useEffect, useRef } from "react";
import type { OutputLine } from "@/lib/actions/run";

const lineTone: Record<OutputLine["stream"], string> = {
  stdout: "text-slate-100",
  stderr: "text-red-400",
  info: "text-sky-300",
};

const clock = (iso: string) => new Date(iso).toISOString().slice(11, 19);

/**
 * What the action printed, as it prints it: stays at the bottom while the reader is there, and stays put when
 * they scrolled up to read. Standard error in red, the runner's own notes in blue; times in UTC.
 */
export function RunOutput({ lines, running }: { lines: OutputLine[]; running: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);

  return (
    <div
      ref={box}
      role="log"
      aria-label="Action output"
      tabIndex={0}
      data-testid="action-output"
      data-lines={lines.length}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      className="max-h-96 min-h-24 overflow-auto rounded-md bg-slate-950 px-3 py-2 font-mono text-xs leading-relaxed focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:bg-black/70"
    >
      {lines.length === 0 ? (
        <p className="text-slate-400">{running ? "Waiting for output…" : "No output."}</p>
      ) : (
        lines.map((l) => (
          <div key={l.seq} data-stream={l.stream} className={`flex gap-3 ${lineTone[l.stream]}`}>
            <span aria-hidden className="shrink-0 text-slate-500 select-none">
              {clock(l.at)}
            </span>
            <span className="min-w-0 break-words whitespace-pre-wrap">
              {l.stream === "stderr" && <span className="sr-only">error: </span>}
              {l.text}
            </span>
          </div>
        ))
      )}
    </div>
  );
}
