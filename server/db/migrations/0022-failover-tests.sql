-- The runbook's monthly failover test as a scheduled procedure (issue 13 part 3): a public maintenance window, a
-- reminder before it in the incident channel, and a record of each run that Switchyard fills in as it happens — the
-- switchover (a db.switchover to the candidate requested in the window) with its write gap, 30 minutes of healthy
-- fleet without a break, and the failback (db.failback or db.switchover to the primary it started from).
create table failover_tests (
  id bigserial primary key,
  maintenance_window_id bigint not null unique references maintenance_windows (id),
  -- the primary when it was scheduled, and the replica the test promotes
  primary_region text not null,
  candidate text not null check (candidate <> primary_region),
  remind_minutes integer not null check (remind_minutes between 0 and 10080),
  scheduled_by uuid references users (id) on delete set null,
  scheduled_at timestamptz not null default clock_timestamp(),
  reminded_at timestamptz,
  -- what the incident channel answered (delivered or why not)
  reminder_note text,
  -- its write gap is that run's figure writeGapMs
  switchover_run_id integer references action_runs (id),
  -- the 30 minutes of monitoring, a stability timer: started at the first healthy fleet after the switchover, started
  -- over at each break (counted, the last one described), ended held or cut short by an early failback
  monitor_started_at timestamptz,
  monitor_result text check (monitor_result in ('held', 'cut-short')),
  monitor_breaks integer not null default 0,
  monitor_note text,
  failback_run_id integer references action_runs (id),
  finished_at timestamptz
);
create index failover_tests_open on failover_tests (id) where finished_at is null;

-- Figures an action measured while it ran (a switchover's write gap), by name: numbers only.
alter table action_runs add column figures jsonb not null default '{}'::jsonb;
