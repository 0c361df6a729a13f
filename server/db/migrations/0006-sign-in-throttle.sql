-- Sign-in throttling per account (key: the email tried) and per client address (key: the address, IPv6 by /64).
-- An attempt claims its place here in one statement BEFORE the password is checked, so parallel guesses can
-- never pass the limit; `failures` counts claimed attempts in the window (capped at limit + 1), and
-- `locked_until` is set when the last allowed attempt is claimed. A correct password clears the account's row.
create table sign_in_throttle (
  scope text not null check (scope in ('account', 'address')),
  key text not null,
  failures integer not null,
  window_started_at timestamptz not null,
  locked_until timestamptz,
  primary key (scope, key)
);

-- The old per-account counter (read before the hash, written after) is replaced; its rows carry over.
insert into sign_in_throttle (scope, key, failures, window_started_at)
  select 'account', email, failures, window_started_at from sign_in_failures;
drop table sign_in_failures;
