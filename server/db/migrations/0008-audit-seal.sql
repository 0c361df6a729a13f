-- The audit log is sealed: rows are appended, never changed or removed; the chain switches from SHA-256 to an
-- HMAC-SHA256 keyed outside the store (AUDIT_KEY or DATA_DIR/audit-key); and its newest head is checkpointed.

-- Which hash each row carries: rows written before this migration are plain SHA-256, every later one an HMAC.
alter table audit_log add column alg text not null default 'sha256' check (alg in ('sha256', 'hmac-sha256'));

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % is refused (rule: audit rows are never changed or removed)', tg_op
    using errcode = 'insufficient_privilege';
end $$;

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

-- The newest head of the chain (one row), HMAC-signed with the audit key and rewritten in the same transaction
-- as every append. Without the key, nobody can write a valid checkpoint newer than the last one Switchyard wrote,
-- so cutting off the newest rows leaves the chain ending before the checkpoint. See server/audit/checkpoint.ts.
create table audit_checkpoint (
  id integer primary key check (id = 1),
  last_id bigint not null,
  last_hash text not null,
  rows bigint not null,
  at timestamptz not null,
  mac text not null
);

create function audit_checkpoint_refuse_removal() returns trigger language plpgsql as $$
begin
  raise exception 'audit_checkpoint is never removed: % is refused (rule: the audit head is only ever moved forward)', tg_op
    using errcode = 'insufficient_privilege';
end $$;

create trigger audit_checkpoint_keep before delete on audit_checkpoint
  for each row execute function audit_checkpoint_refuse_removal();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
  for each statement execute function audit_checkpoint_refuse_removal();

create function audit_checkpoint_forward_only() returns trigger language plpgsql as $$
begin
  if new.last_id < old.last_id then
    raise exception 'audit_checkpoint moves forward only: % is before % (rule: the audit head is only ever moved forward)', new.last_id, old.last_id
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end $$;

create trigger audit_checkpoint_forward before update on audit_checkpoint
  for each row execute function audit_checkpoint_forward_only();
