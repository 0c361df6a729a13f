import type { ReactNode } from "react";

/**
 * A page that only says why there is nothing to show here and where to go instead: no such page, incident or region;
 * not allowed. The not-found, forbidden and unauthorized files that use it are client components: every page's
 * payload names its layouts' fallbacks, and a client component is named by reference instead of by its rendered tree.
 * The browser fetches their code with every page, so the way on is a plain link: with next/link each would carry
 * ~3.6 KB (compressed) of its own.
 */
export function NoticePage({
  title,
  children,
  href,
  linkText,
}: {
  title: string;
  children: ReactNode;
  href: string;
  linkText: string;
}) {
  return (
    <div className="mx-auto max-w-lg px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">{children}</p>
      <a href={href} className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        {linkText}
      </a>
    </div>
  );
}
