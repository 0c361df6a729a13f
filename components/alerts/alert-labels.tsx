import Link from "@/components/ui/link";

/** An alert's labels as chips; a region label links to that region's page. */
export function AlertLabels({ labels, regionIds }: { labels: Record<string, string>; regionIds?: string[] }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return null;
  return (
    <ul aria-label="Labels" className="flex flex-wrap gap-1">
      {entries.map(([k, v]) => (
        <li
          key={k}
          className="max-w-full truncate rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300"
        >
          {k}=
          {k === "region" && (!regionIds || regionIds.includes(v)) ? (
            <Link href={`/regions/${v}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
              {v}
            </Link>
          ) : (
            v
          )}
        </li>
      ))}
    </ul>
  );
}
