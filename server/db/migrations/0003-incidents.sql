create table incidents (
  id serial primary key,
  title text not null,
  scenario_id text,
  severity text not null check (severity in ('P0', 'P1', 'P2', 'P3')),
  impact text not null default '',
  regions text[] not null default '{}',
  lead_id uuid not null references users (id),
  status text not null default 'investigating' check (status in ('investigating', 'mitigating', 'monitoring', 'resolved')),
  from_alert_id bigint references alerts (id),
  declared_by uuid references users (id),
  declared_at timestamptz not null,
  acknowledged_at timestamptz,
  first_comm_at timestamptz,
  mitigated_at timestamptz,
  resolved_at timestamptz,
  eta text not null default '',
  root_cause text not null default '',
  postmortem text,
  version integer not null default 1,
  updated_at timestamptz not null default now()
);
create index incidents_open on incidents (status) where status <> 'resolved';

-- One row per checklist step; version guards concurrent checks.
create table incident_steps (
  incident_id integer not null references incidents (id) on delete cascade,
  step_key text not null,
  checked boolean not null default false,
  checked_by text,
  checked_at timestamptz,
  observed text,
  version integer not null default 0,
  primary key (incident_id, step_key)
);

-- The timeline: every declaration, status change, check, comm, escalation and action, with figures at decisions.
create table incident_events (
  id bigserial primary key,
  incident_id integer not null references incidents (id) on delete cascade,
  at timestamptz not null default clock_timestamp(),
  actor text not null,
  kind text not null,
  message text not null,
  data jsonb not null default '{}',
  snapshot jsonb
);
create index incident_events_incident on incident_events (incident_id, at);

-- The escalation chain, configurable by admins; backup levels apply only to the listed severities.
create table escalation_policy (
  level integer primary key,
  after_seconds integer not null check (after_seconds >= 0),
  target text not null,
  contact text not null default '',
  severities text[],
  only_if_unacknowledged boolean not null default false
);
insert into escalation_policy (level, after_seconds, target, severities, only_if_unacknowledged) values
  (0, 0, 'On-call engineer', null, false),
  (1, 900, 'Tech lead', null, false),
  (2, 1800, 'Engineering manager', null, false),
  (3, 3600, 'CTO', null, false),
  (10, 300, 'Backup on-call engineer', '{P0}', true);

-- Pages due for each incident: kept in the store so the timers survive a restart.
create table incident_pages (
  id bigserial primary key,
  incident_id integer not null references incidents (id) on delete cascade,
  level integer not null,
  target text not null,
  contact text not null default '',
  due_at timestamptz not null,
  only_if_unacknowledged boolean not null default false,
  sent_at timestamptz,
  cancelled_at timestamptz,
  delivery text,
  unique (incident_id, level)
);
create index incident_pages_due on incident_pages (due_at) where sent_at is null and cancelled_at is null;
