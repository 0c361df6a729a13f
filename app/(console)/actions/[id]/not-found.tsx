import Link from "@/components/ui/link";

export default function ActionRunNotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-xl font-semibold">No such action</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        There is no action run with this id. It may have been mistyped.
      </p>
      <Link href="/actions" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        All actions
      </Link>
    </div>
  );
}
