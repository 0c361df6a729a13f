-- Maintenance windows (issue 13 part 3): planned work a lead or an admin schedules — the runbook's monthly failover
-- test starts with "Announce maintenance window". A window covers some regions (empty: every region) and some
-- components (empty: all of them); inside it, the alerts of what it covers are expected and page nobody
-- (lib/maintenance.ts decides which window covers an alert), and a public window is announced on the status page.
-- A window is never deleted: cancelling it stamps cancelled_at, so the list and the audit log keep it.
create table maintenance_windows (
  id bigserial primary key,
  title text not null check (length(title) between 1 and 120),
  reason text not null default '' check (length(reason) <= 2000),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- region ids of the fleet; empty: every region
  regions text[] not null default '{}',
  -- among 'api', 'mirrors', 'cdn', 'database'; empty: all of them
  components text[] not null default '{}'
    check (components <@ array['api', 'mirrors', 'cdn', 'database']::text[]),
  -- announced on the public status page (title, components and times only)
  public boolean not null default true,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default clock_timestamp(),
  cancelled_at timestamptz,
  cancelled_by uuid references users (id) on delete set null,
  check (ends_at > starts_at)
);
create index maintenance_windows_ends on maintenance_windows (ends_at) where cancelled_at is null;
create index maintenance_windows_recent on maintenance_windows (starts_at desc);

-- A group opened inside a window that covers its alert is expected: it records the window, pages nobody and proposes
-- no triage incident.
alter table alert_groups add column maintenance_window_id bigint references maintenance_windows (id) on delete set null;
-- When the window ended (or was cancelled) with the group still open: it was routed then, as a new group would be.
alter table alert_groups add column maintenance_over_at timestamptz;
