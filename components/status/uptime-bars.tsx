import type { Uptime } from "@/lib/status-page";
import { noDataFill, stateFill } from "./state-styles";

/** The days shown on a phone: the last 30 of the 90. */
const PHONE_DAYS = 30;

/**
 * One bar per UTC day, oldest first, coloured by the worst state seen that day; each bar's label says the day, its
 * uptime and what happened, or "no data" for a day without stored history. A phone shows the last 30 days.
 */
export function UptimeBars({ uptime, name }: { uptime: Uptime; name: string }) {
  const total = uptime.days.length;
  return (
    <div className="mt-2">
      <ol aria-label={`${name}: uptime per day over the last ${total} days`} className="flex h-8 gap-px">
        {uptime.days.map((d, i) => (
          <li
            key={d.day}
            title={d.label}
            data-testid="uptime-day"
            data-day={d.day}
            data-state={d.state ?? "no-data"}
            className={`min-w-0 flex-1 rounded-[1px] ${d.state ? stateFill[d.state] : noDataFill} ${i < total - PHONE_DAYS ? "max-sm:hidden" : ""}`}
          >
            <span className="sr-only">{d.label}</span>
          </li>
        ))}
      </ol>
      <div className="mt-1 flex justify-between gap-2 text-xs text-slate-600 dark:text-slate-400">
        <span>
          <span className="max-sm:hidden">{total} days ago</span>
          <span className="sm:hidden">{Math.min(PHONE_DAYS, total)} days ago</span>
        </span>
        <span data-testid="uptime-percent">
          {uptime.percent === null
            ? "No data yet"
            : `${uptime.percent}% uptime over ${uptime.daysWithData} ${uptime.daysWithData === 1 ? "day" : "days"} with data`}
        </span>
        <span>Today</span>
      </div>
    </div>
  );
}
