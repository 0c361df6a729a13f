-- Each OpenID Connect sign-in is bound to its issuer and subject, never to an email alone.
-- A (issuer, subject) belongs to one account; an account has at most one subject per issuer, so a second
-- subject at the same provider claiming the same email cannot attach itself to an account already linked.
create table oidc_identities (
  user_id uuid not null references users (id) on delete cascade,
  issuer text not null,
  subject text not null,
  linked_at timestamptz not null default now(),
  primary key (issuer, subject),
  unique (user_id, issuer)
);
