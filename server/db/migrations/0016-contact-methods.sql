-- Contact methods (issue 12 part 2, paging channels): how a page reaches a person. Each console user keeps their own
-- list (admins may edit anyone's); a page goes to every method of the person on call, in parallel
-- (server/notify/deliver-page.ts). What an address may be is lib/contact-method-schema.ts; the checks here only keep
-- the table from holding what no channel could use.
create table contact_methods (
  id bigserial primary key,
  user_id uuid not null references users (id) on delete cascade,
  kind text not null check (kind in ('pagerduty', 'webhook', 'email')),
  -- pagerduty: a service's Events API v2 integration (routing) key; webhook: an http(s) URL; email: an address.
  address text not null check (
    length(address) <= 2000
    and case kind
      when 'pagerduty' then address ~ '^[A-Za-z0-9]{32}$'
      when 'webhook' then address ~* '^https?://'
      when 'email' then address ~ '^[^@[:space:]]+@[^@[:space:]]+$' and address = lower(address)
    end
  ),
  label text not null default '' check (length(label) <= 60),
  -- The order the person listed them in (shown in that order; every method is paged at once).
  position integer not null default 0 check (position >= 0),
  created_at timestamptz not null default clock_timestamp(),
  created_by uuid references users (id) on delete set null,
  unique (user_id, kind, address)
);
