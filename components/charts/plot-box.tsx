"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/** How far outside the screen a chart starts to draw: a little ahead of the reader's scrolling. */
const AHEAD = "300px 0px";

/**
 * The box a chart's drawing goes in, at its final size. The drawing (recharts, most of a chart page's script, loaded
 * on first use) is made only once the box comes near the screen, as Grafana draws its panels: on a phone the charts
 * sit screens below a page's figures, and the page answers sooner for not drawing what nobody has scrolled to yet.
 */
export function PlotBox({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    if (near || !box.current) return;
    const watch = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: AHEAD },
    );
    watch.observe(box.current);
    return () => watch.disconnect();
  }, [near]);
  return (
    <div ref={box} className="h-44 text-slate-500 sm:h-52 dark:text-slate-400" aria-hidden>
      {near && children}
    </div>
  );
}
