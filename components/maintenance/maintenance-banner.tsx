import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { scopeWords, windowPhase, type MaintenanceWindowView } from "@/lib/maintenance";

/**
 * The incident list's announcement of maintenance: each window in progress (until when) or starting within a day
 * (from when), what it covers, and a link to the maintenance page. Nothing when there is none.
 */
export function MaintenanceBanner({ windows, at }: { windows: MaintenanceWindowView[]; at: string }) {
  if (!windows.length) return null;
  const now = new Date(at);
  return (
    <section
      aria-labelledby="maintenance-banner-heading"
      data-testid="maintenance-banner"
      className="rounded-xl border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950/50 dark:text-sky-50"
    >
      <h2 id="maintenance-banner-heading" className="font-semibold">
        Maintenance
      </h2>
      <ul className="mt-1 space-y-1">
        {windows.map((w) => {
          const active = windowPhase(w, now) === "active";
          return (
            <li key={w.id} data-testid="maintenance-announcement" data-phase={active ? "active" : "upcoming"}>
              <strong>{active ? "In progress" : "Starts soon"}:</strong> {w.title} ({scopeWords(w)}){" "}
              {active ? (
                <>
                  until <Timestamp iso={w.endsAt} show="full" />. Alerts about it page nobody.
                </>
              ) : (
                <>
                  from <Timestamp iso={w.startsAt} show="full" /> to <Timestamp iso={w.endsAt} show="full" />.
                </>
              )}
            </li>
          );
        })}
      </ul>
      <p className="mt-1">
        <Link href="/maintenance" className="underline underline-offset-2">
          All maintenance windows
        </Link>
      </p>
    </section>
  );
}
