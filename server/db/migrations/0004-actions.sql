-- Runbook actions: one row per request, from pre-flight through approval and execution to verification.
create table action_runs (
  id serial primary key,
  action_id text not null,
  params jsonb not null,
  -- sha256 of the action and its canonical parameters: an approval is bound to exactly these.
  params_hash text not null,
  -- what the action holds while it runs (a region's database, a region's API, the CDN): one at a time.
  target text not null,
  risk text not null check (risk in ('low', 'high')),
  status text not null check (status in ('pending', 'running', 'succeeded', 'failed', 'rejected', 'expired', 'interrupted', 'cancelled')),
  idempotency_key text not null unique,
  requested_by uuid not null references users (id),
  requested_at timestamptz not null default now(),
  expires_at timestamptz not null,
  incident_id integer references incidents (id) on delete set null,
  step_key text,
  preflight jsonb not null default '[]',
  preflight_at timestamptz,
  plan jsonb not null default '[]',
  override_by uuid references users (id),
  override_reason text,
  override_at timestamptz,
  decided_by uuid references users (id),
  decided_at timestamptz,
  reject_reason text,
  started_at timestamptz,
  finished_at timestamptz,
  runner text,
  heartbeat_at timestamptz,
  progress jsonb,
  verification jsonb,
  error text,
  -- an operator's request to a running, controllable action: pause, resume or abort
  control text check (control in ('pause', 'abort')),
  version integer not null default 1
);
create index action_runs_recent on action_runs (requested_at desc);
create index action_runs_incident on action_runs (incident_id) where incident_id is not null;
-- The lock: at most one running action per target.
create unique index action_runs_one_running_per_target on action_runs (target) where status = 'running';

-- Output lines as they arrive, so the page can stream them and a restart keeps what was seen.
create table action_output (
  run_id integer not null references action_runs (id) on delete cascade,
  seq integer not null,
  at timestamptz not null default clock_timestamp(),
  stream text not null check (stream in ('stdout', 'stderr', 'info')),
  text text not null,
  primary key (run_id, seq)
);

-- Which region serves as primary, as the last promotion or switchover left it (overrides the fleet file's roles).
create table fleet_topology (
  id integer primary key check (id = 1),
  primary_region text not null,
  changed_at timestamptz not null default now(),
  run_id integer references action_runs (id) on delete set null
);
