-- Leadership of the collector is a lease renewed in the store, not only a session-level lock: a leader that
-- stops renewing (frozen, cut off) loses it when it expires, and every term is one larger than the last.
create table collector_lease (
  id int primary key check (id = 1),
  holder text not null,
  term bigint not null,
  acquired_at timestamptz not null,
  expires_at timestamptz not null
);

-- Each figure written says which leader's term wrote it; a write of an older term is refused.
alter table region_status add column term bigint not null default 0;
alter table region_samples add column term bigint not null default 0;
