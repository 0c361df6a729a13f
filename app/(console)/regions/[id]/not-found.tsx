import Link from "@/components/ui/link";

export default function RegionNotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-xl font-semibold">No such region</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">The fleet file lists no region with this id.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        Back to the overview
      </Link>
    </div>
  );
}
