import Link from "@/components/ui/link";

/** The way back to a section's list, above a page of it. */
export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      <Link href={href} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
        ← {label}
      </Link>
    </nav>
  );
}
