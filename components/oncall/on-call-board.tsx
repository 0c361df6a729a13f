import Link from "@/components/ui/link";
import { weekdays } from "@/lib/oncall-rotation";
import type { OnCallLevelView, OnCallPerson, OnCallStretch } from "@/lib/oncall-view";
import { link, muted, panel } from "@/components/incidents/styles";

/** Who is on call at every level of the escalation chain, now and next, times in each level's own zone. */

export function PersonName({ person }: { person: OnCallPerson | null }) {
  if (!person) return <span className={`italic ${muted}`}>Nobody</span>;
  return (
    <span className="font-medium" title={person.email}>
      {person.name}
    </span>
  );
}

const When = ({ iso, text }: { iso: string; text: string }) => (
  <time dateTime={iso} className="tabular-nums">
    {text}
  </time>
);

export function rotationSummary(level: OnCallLevelView): string {
  const r = level.rotation;
  if (!r) return "No rotation";
  const when =
    r.kind === "daily" ? `daily at ${r.handoffTime}` : `weekly, ${weekdays[r.handoffDay]} at ${r.handoffTime}`;
  return `${r.members.length} ${r.members.length === 1 ? "member" : "members"}, hands off ${when} (${r.timeZone})`;
}

function NowLine({ now }: { now: OnCallStretch }) {
  return (
    <p className="text-sm">
      <PersonName person={now.person} />
      {now.overrideId !== null && (
        <span className="ml-1.5 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
          override
        </span>
      )}
      {now.startText && (
        <span className={`block text-xs ${muted}`}>
          since <When iso={now.start} text={now.startText} />
        </span>
      )}
      {now.end && now.endText && (
        <span className={`block text-xs ${muted}`}>
          until <When iso={now.end} text={now.endText} />
        </span>
      )}
    </p>
  );
}

export function OnCallBoardView({ levels }: { levels: OnCallLevelView[] }) {
  return (
    <ul className="grid gap-3 md:grid-cols-2" aria-label="On call by escalation level">
      {levels.map((l) => (
        <li key={l.level} className={panel} data-testid="oncall-level" data-level={l.level}>
          <section aria-labelledby={`oncall-level-${l.level}`} className="space-y-3">
            <header>
              <h2 id={`oncall-level-${l.level}`} className="font-semibold">
                {l.target}
              </h2>
              <p className={`text-xs ${muted}`}>{rotationSummary(l)}</p>
            </header>
            <div>
              <h3 className={`text-xs font-medium tracking-wide uppercase ${muted}`}>On call now</h3>
              <div data-testid="oncall-now">
                <NowLine now={l.now} />
              </div>
            </div>
            <div>
              <h3 className={`text-xs font-medium tracking-wide uppercase ${muted}`}>Next</h3>
              {l.next.length ? (
                <ol className="space-y-1 text-sm" data-testid="oncall-next">
                  {l.next.map((s) => (
                    <li key={s.start} className="flex flex-wrap justify-between gap-x-3">
                      <span>
                        <PersonName person={s.person} />
                        {s.overrideId !== null && <span className={`ml-1 text-xs ${muted}`}>(override)</span>}
                      </span>
                      <span className={`text-xs ${muted}`}>
                        from <When iso={s.start} text={s.startText} />
                      </span>
                    </li>
                  ))}
                </ol>
              ) : (
                <p className={`text-sm ${muted}`}>No hand-off in the next 60 days.</p>
              )}
            </div>
          </section>
        </li>
      ))}
    </ul>
  );
}

/** The incident page's compact view: each level and who is on call for it right now. */
export function OnCallNowPanel({ levels }: { levels: OnCallLevelView[] }) {
  return (
    <section aria-labelledby="oncall-now-heading" className={panel} data-testid="oncall-panel">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id="oncall-now-heading" className="font-semibold">
          On call now
        </h2>
        <Link href="/on-call" className={`text-sm ${link}`}>
          Schedules
        </Link>
      </div>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1.5 text-sm sm:grid-cols-[auto_1fr]">
        {levels.map((l) => (
          <div key={l.level} className="contents">
            <dt className={muted}>{l.target}</dt>
            <dd className="mb-1 sm:mb-0">
              <PersonName person={l.now.person} />
              {l.now.end && l.now.endText && (
                <span className={`text-xs ${muted}`}>
                  {" "}
                  until <When iso={l.now.end} text={l.now.endText} />
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
