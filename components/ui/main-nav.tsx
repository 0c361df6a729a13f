"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

const sections = [
  { href: "/", label: "Overview" },
  { href: "/incidents", label: "Incidents" },
  { href: "/on-call", label: "On call" },
  { href: "/contacts", label: "Contacts" },
  { href: "/maintenance", label: "Maintenance" },
  { href: "/drills", label: "Drills" },
  { href: "/actions", label: "Actions" },
  { href: "/traffic", label: "Traffic" },
  { href: "/replication", label: "Replication" },
  { href: "/mirrors", label: "Mirrors" },
  { href: "/cdn", label: "CDN" },
  { href: "/alerts", label: "Alerts" },
  { href: "/runbooks", label: "Runbooks" },
  { href: "/audit", label: "Audit" },
];

const withAdminSections = [
  ...sections,
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "API tokens" },
  { href: "/admin/escalation", label: "Escalation" },
  { href: "/admin/on-call", label: "Schedules" },
  { href: "/admin/contacts", label: "Contact list" },
  { href: "/admin/store", label: "Store" },
];

/**
 * The console's sections (an admin's too, when `admin`); the current one is marked. Scrolls sideways on a phone
 * rather than wrapping. The list lives here, not in the server's header, so a page's payload carries one flag
 * instead of fourteen links (twenty for an admin), and each link carries one class name (`nav-link`, globals.css)
 * instead of the whole list.
 */
export function MainNav({ admin, className = "" }: { admin: boolean; className?: string }) {
  const links = admin ? withAdminSections : sections;
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
            <Link href={l.href} aria-current={current(l.href) ? "page" : undefined} className="nav-link">
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
