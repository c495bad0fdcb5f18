-- Failed logins per account name and address: a lock stops that address trying that name (with growing delays),
-- so nobody can lock another person out from elsewhere, and an unknown name is answered like a known one.
create table login_failures (
  username text not null,
  ip text not null,
  failures int not null default 0,
  locks int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now(),
  primary key (username, ip)
);
