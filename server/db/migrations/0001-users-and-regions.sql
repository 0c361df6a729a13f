create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  name text not null,
  role text not null check (role in ('viewer', 'engineer', 'lead', 'admin')),
  -- scrypt$N$r$p$salt$hash; null for accounts that only sign in through OIDC
  password_hash text,
  demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Failed sign-ins per account, for rate limiting that holds across restarts and instances.
create table sign_in_failures (
  email text primary key,
  failures integer not null,
  window_started_at timestamptz not null
);

-- The latest derived state of each region, written by the collector.
create table region_status (
  region_id text primary key,
  status text not null check (status in ('healthy', 'degraded', 'unhealthy')),
  reasons jsonb not null default '[]',
  observed jsonb not null default '{}',
  last_seen_at timestamptz,
  checked_at timestamptz not null,
  changed_at timestamptz not null
);

-- Append-only; each row carries the hash of the one before it.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_email text,
  action text not null,
  target text,
  detail jsonb not null default '{}',
  prev_hash text not null,
  hash text not null unique
);
