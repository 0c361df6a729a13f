-- On-call schedules (issue 12 part 2): one rotation per level of the escalation chain, and overrides on top.
-- Rotations and overrides are keyed by the chain's level number, not a foreign key: saving the chain replaces its
-- rows (server/incidents/escalation.ts), and a level's schedule outlives that. The rotation arithmetic (hand-offs at
-- local wall-clock time in the zone, across daylight-saving changes) is lib/oncall-rotation.ts.
create table oncall_rotations (
  level integer primary key check (level between 0 and 99),
  kind text not null check (kind in ('daily', 'weekly')),
  -- local wall-clock time of the hand-off, HH:MM
  handoff_time text not null check (handoff_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- weekly rotations: 0 = Sunday … 6 = Saturday
  handoff_day smallint not null default 1 check (handoff_day between 0 and 6),
  time_zone text not null check (length(time_zone) between 1 and 64),
  start_date date not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id) on delete set null
);

-- Members in rotation order; a console user, who leaves the rotation when their account is deleted.
create table oncall_rotation_members (
  level integer not null references oncall_rotations (level) on delete cascade,
  position integer not null check (position >= 0),
  user_id uuid not null references users (id) on delete cascade,
  primary key (level, position)
);

-- "I take Friday night": a member on call for a level for an interval; where overrides overlap, the latest created
-- wins (created_at, then id).
create table oncall_overrides (
  id bigserial primary key,
  level integer not null check (level between 0 and 99),
  user_id uuid not null references users (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  note text not null default '' check (length(note) <= 200),
  created_at timestamptz not null default clock_timestamp(),
  created_by uuid references users (id) on delete set null,
  check (ends_at > starts_at)
);
create index oncall_overrides_level on oncall_overrides (level, ends_at);
