-- Each backup of this store that Switchyard wrote (npm run store:backup), so the admin page can show the last one's age.
create table store_backups (
  id bigserial primary key,
  taken_at timestamptz not null default now(),
  file text not null,
  bytes bigint not null check (bytes > 0),
  driver text not null check (driver in ('pg', 'pglite'))
);
create index store_backups_taken_at on store_backups (taken_at desc);
