-- The public status page (issue 12 part 4).

-- What a lead posted to the status page from an incident's Communication panel: the incident's public title and
-- status as posted, and the text the public reads. `posted_by` is for the audit trail only, never shown publicly.
create table status_updates (
  id bigserial primary key,
  incident_id integer not null references incidents (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  status text not null check (status in ('investigating', 'mitigating', 'monitoring', 'resolved')),
  body text not null check (length(body) between 1 and 4000),
  posted_at timestamptz not null default clock_timestamp(),
  posted_by uuid references users (id) on delete set null
);
create index status_updates_incident on status_updates (incident_id, posted_at);

-- The uptime bars: per component and UTC day, the minutes the status page saw in each state. The collector adds
-- one minute per component when a minute ends (the worst state seen in it); `last_minute` keeps a minute from
-- being counted twice.
create table status_days (
  component_id text not null,
  day date not null,
  operational integer not null default 0,
  degraded_performance integer not null default 0,
  partial_outage integer not null default 0,
  major_outage integer not null default 0,
  under_maintenance integer not null default 0,
  last_minute timestamptz not null,
  primary key (component_id, day)
);
create index status_days_day on status_days (day);
