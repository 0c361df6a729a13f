-- The global load balancer's latest traffic snapshot (one row), written by the collecting console under its term.
create table traffic_status (
  id int primary key check (id = 1),
  snapshot jsonb not null,
  at timestamptz not null,
  term bigint not null default 0
);

-- History for the traffic charts: a point per region and per geography every few seconds, kept for
-- RAW_RETENTION_HOURS ...
create table traffic_points (
  kind text not null check (kind in ('region', 'geography')),
  id text not null,
  at timestamptz not null,
  point jsonb not null,
  term bigint not null default 0,
  primary key (kind, id, at)
);
create index traffic_points_at on traffic_points (at);

-- ... then averaged per minute and kept for ROLLUP_RETENTION_DAYS.
create table traffic_points_1m (
  kind text not null check (kind in ('region', 'geography')),
  id text not null,
  bucket timestamptz not null,
  point jsonb not null,
  samples integer not null,
  primary key (kind, id, bucket)
);
create index traffic_points_1m_bucket on traffic_points_1m (bucket);
