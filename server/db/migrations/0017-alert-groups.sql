-- Alert groups (issue 12 part 1): alerts with one cause form one group, and a group — never a single alert — pages
-- and proposes a triage incident. The cause is decided when an alert fires (lib/alert-groups.ts); a group stays open
-- while any of its alerts fires.
create table alert_groups (
  id bigserial primary key,
  cause_key text not null,
  title text not null,
  severity text not null check (severity in ('critical', 'warning')),
  -- the rule of the alert that explains the others, which the routing policy is looked up by
  rule_id text,
  opened_at timestamptz not null,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  -- the triage incident: proposed by the routing policy, then confirmed (an incident) or dismissed by a lead
  triage_state text check (triage_state in ('proposed', 'confirmed', 'dismissed', 'withdrawn')),
  triage_title text,
  triage_severity text check (triage_severity in ('P0', 'P1', 'P2', 'P3')),
  triage_scenario_id text,
  triage_regions text[] not null default '{}',
  triage_lead_id uuid references users (id) on delete set null,
  triage_decided_by text,
  incident_id integer references incidents (id) on delete set null,
  -- a group whose alerts turned out to have a cause found a moment later (see groupWaitMs) closes into that one
  merged_into bigint references alert_groups (id) on delete set null
);
create unique index alert_groups_one_open_per_cause on alert_groups (cause_key) where resolved_at is null;
create index alert_groups_recent on alert_groups (opened_at desc);

alter table alerts add column group_id bigint references alert_groups (id) on delete set null;
create index alerts_group on alerts (group_id);

-- The routing policy: per rule (or '*' for every rule) and severity, the escalation level a group pages first (null:
-- no page) and whether it proposes a triage incident. The most specific row wins.
create table alert_routes (
  rule_id text not null,
  severity text not null check (severity in ('critical', 'warning')),
  page_level integer,
  open_triage boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by text,
  primary key (rule_id, severity)
);
-- The runbook's defaults: a critical group pages the on-call engineer at once and proposes a triage incident.
insert into alert_routes (rule_id, severity, page_level, open_triage) values
  ('*', 'critical', 0, true),
  ('*', 'warning', null, false);

-- Pages belong to an incident or to an alert group; who received one is recorded so its acknowledgement and
-- resolution reach the same person; its PagerDuty dedup_key is derived from its id.
alter table incident_pages alter column incident_id drop not null;
alter table incident_pages add column group_id bigint references alert_groups (id) on delete cascade;
alter table incident_pages add column recipient_id uuid references users (id) on delete set null;
alter table incident_pages add constraint incident_pages_owner check (incident_id is not null or group_id is not null);
create unique index incident_pages_group_level on incident_pages (group_id, level) where incident_id is null;
