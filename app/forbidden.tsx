import Link from "@/components/ui/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Your role does not give you access to this page. Ask an admin if you need it.
      </p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
        Back to the overview
      </Link>
    </main>
  );
}
