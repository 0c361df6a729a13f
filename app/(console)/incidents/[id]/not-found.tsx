import Link from "@/components/ui/link";

export default function IncidentNotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-xl font-semibold">No such incident</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        There is no incident with this id. It may have been mistyped.
      </p>
      <Link href="/incidents" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        All incidents
      </Link>
    </div>
  );
}
