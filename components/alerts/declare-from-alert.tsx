import Link from "@/components/ui/link";
import type { AlertView } from "@/lib/fleet-view";

/** For leads: declare an incident prefilled from a firing alert. */
export function DeclareFromAlert({ alert }: { alert: AlertView }) {
  if (alert.state !== "firing") return null;
  return (
    <Link
      href={`/incidents/new?alert=${alert.id}`}
      data-testid="declare-from-alert"
      className="inline-block rounded-md bg-red-700 px-2 py-1 text-xs font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-sky-500 dark:bg-red-600"
    >
      Declare incident
    </Link>
  );
}
