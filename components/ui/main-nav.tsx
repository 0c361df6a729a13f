"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

/** The console's sections; the current one is marked. Scrolls sideways on a phone rather than wrapping. */
export function MainNav({ links, className = "" }: { links: { href: string; label: string }[]; className?: string }) {
  const pathname = usePathname();
  const navRef = useRef<HTMLElement>(null);
  // On a phone the current section may sit past the edge of the scrolling nav: bring it into view.
  useEffect(() => {
    const nav = navRef.current;
    const active = nav?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!nav || !active) return;
    const left = active.offsetLeft - nav.offsetLeft;
    if (left < nav.scrollLeft || left + active.offsetWidth > nav.scrollLeft + nav.clientWidth)
      nav.scrollLeft = left - 16;
  }, [pathname]);
  const current = (href: string) =>
    href === "/"
      ? pathname === "/" || pathname.startsWith("/regions/")
      : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <nav
      ref={navRef}
      aria-label="Main"
      className={`-mx-4 min-w-0 overflow-x-auto px-4 [scrollbar-width:none] lg:mx-0 lg:px-0 ${className}`}
    >
      <ul className="flex gap-1 whitespace-nowrap">
        {links.map((l) => (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={current(l.href) ? "page" : undefined}
              className="block rounded-md px-2.5 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 aria-[current=page]:bg-sky-50 aria-[current=page]:font-medium aria-[current=page]:text-sky-800 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-sky-900/40 dark:aria-[current=page]:text-sky-200"
            >
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
