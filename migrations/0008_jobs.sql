-- Timed jobs shared by the instances: when each is next due, and which instance holds it while it runs.
create table jobs (
  name text primary key,
  every_seconds int not null check (every_seconds > 0),
  next_run_at timestamptz not null default now(),
  holder text not null default '',
  lease_until timestamptz,
  runs bigint not null default 0,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_error text not null default ''
);
