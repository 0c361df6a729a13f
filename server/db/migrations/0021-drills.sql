-- Drills (issue 13 part 6): a scenario run on purpose. In the lab Switchyard injects the fault itself through the fleet
-- file's injectFault hook; on a fleet without that hook a lead starts the drill and people cause the fault by hand. Its
-- incident is marked by incidents.drill_id (one incident per drill) and pages the drill's participants only; the alerts
-- the drill causes are expected through a maintenance window of its own (not public) that lasts while the drill runs.
-- A drill is never deleted: ending it stamps ended_at and keeps its score for the trend across drills.
create table drills (
  id bigserial primary key,
  -- a scenario of runbooks/scenarios, or the monthly failover test (runbooks/procedures/failover-test.yaml)
  scenario_id text not null check (scenario_id ~ '^[a-z0-9-]+$'),
  severity text not null check (severity in ('P0', 'P1', 'P2', 'P3')),
  region text not null,
  -- the lab fault Switchyard injected (lib/drills.ts drillFaults); null: people cause it, or no fault (failover test)
  fault text check (fault in ('db-down', 'api-down', 'api-slow', 'mirror-down', 'cdn-outage', 'lag')),
  -- the people paged by the drill's incident, instead of the escalation chain
  participants uuid[] not null check (cardinality(participants) between 1 and 50),
  status text not null default 'running' check (status in ('running', 'ended', 'cancelled')),
  started_at timestamptz not null default clock_timestamp(),
  started_by uuid references users (id) on delete set null,
  fault_injected_at timestamptz,
  fault_cleared_at timestamptz,
  -- what the hook answered when injecting or clearing failed (the drill goes on without it)
  fault_note text,
  maintenance_window_id bigint references maintenance_windows (id) on delete set null,
  ended_at timestamptz,
  ended_by uuid references users (id) on delete set null,
  -- lib/drill-score.ts DrillScore, computed when the drill ended
  score jsonb
);
create index drills_recent on drills (started_at desc);
-- One drill at a time: two would make each other's alerts expected and their scores meaningless.
create unique index drills_one_running on drills (status) where status = 'running';

alter table incidents add column drill_id bigint references drills (id) on delete set null;
create unique index incidents_one_per_drill on incidents (drill_id) where drill_id is not null;
