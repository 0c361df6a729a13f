-- Sessions that can end. A session token carries the epoch its user had when it was issued; "sign out
-- everywhere" and an admin's "end sessions" bump it, and every request compares (users.id is the primary key,
-- the row every request already reads). Sessions issued before this migration carry none and count as 0.
alter table users add column session_epoch integer not null default 0;

-- API tokens get scopes and an optional expiry. Tokens made before this migration keep working as `read` only:
-- posting alerts needs a token created with `alerts:write`.
alter table api_tokens add column scopes text[] not null default array['read']::text[];
alter table api_tokens add column expires_at timestamptz;
alter table api_tokens add constraint api_tokens_scopes_known
  check (cardinality(scopes) > 0 and scopes <@ array['read', 'alerts:write']::text[]);
-- An admin ending a user's sessions revokes the tokens that user created.
create index api_tokens_active_by_creator on api_tokens (created_by) where revoked_at is null;
