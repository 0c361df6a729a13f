"use client";

import { useSyncExternalStore } from "react";

/**
 * One clock per interval for the whole page, so every relative time on it moves in the same render each tick
 * (a timer per component would render the page once per component).
 */
class Clock {
  now = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly intervalMs: number) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    if (!this.timer) {
      // Nobody was watching: the time read last may be old (a page opened later, in the same tab).
      if (Date.now() - this.now >= this.intervalMs) this.now = Date.now();
      this.timer = setInterval(() => {
        this.now = Date.now();
        for (const l of this.listeners) l();
      }, this.intervalMs);
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  };

  read = () => this.now;
}

const clocks = new Map<number, Clock>();

function clock(intervalMs: number): Clock {
  let c = clocks.get(intervalMs);
  if (!c) clocks.set(intervalMs, (c = new Clock(intervalMs)));
  return c;
}

/** The current time, re-read every interval, so relative times keep moving without new data. */
export function useNow(intervalMs = 1000): number {
  const c = clock(intervalMs);
  // While the server renders: its own time (modules live for the server's lifetime, so no clock of theirs).
  return useSyncExternalStore(c.subscribe, c.read, typeof window === "undefined" ? Date.now : c.read);
}
