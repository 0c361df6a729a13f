-- The latest full sample of each region, beside its derived status.
alter table region_status add column sample jsonb;

-- History for charts: one point per region per second, kept for RAW_RETENTION_HOURS ...
create table region_samples (
  region_id text not null,
  at timestamptz not null,
  point jsonb not null,
  primary key (region_id, at)
);
create index region_samples_at on region_samples (at);

-- ... then averaged per minute and kept for ROLLUP_RETENTION_DAYS.
create table region_samples_1m (
  region_id text not null,
  bucket timestamptz not null,
  point jsonb not null,
  samples integer not null,
  primary key (region_id, bucket)
);
create index region_samples_1m_bucket on region_samples_1m (bucket);

-- Admins' settings for the built-in rules (their definitions live in lib/alert-rules.ts).
create table alert_rules (
  id text primary key,
  threshold double precision,
  for_seconds integer not null default 0 check (for_seconds between 0 and 86400),
  enabled boolean not null default true,
  updated_at timestamptz not null default now(),
  updated_by text
);

create table alerts (
  id bigserial primary key,
  rule_id text,
  source text not null check (source in ('rule', 'alertmanager')),
  fingerprint text not null,
  name text not null,
  severity text not null default 'warning',
  labels jsonb not null default '{}',
  summary text not null,
  value double precision,
  runbook jsonb,
  state text not null check (state in ('firing', 'resolved')),
  started_at timestamptz not null,
  resolved_at timestamptz
);
create unique index alerts_one_firing_per_fingerprint on alerts (fingerprint) where state = 'firing';
create index alerts_started_at on alerts (started_at desc);

-- Bearer tokens for other tools; only a hash is stored.
create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
