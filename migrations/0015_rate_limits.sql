-- Rate-limit counters shared by the instances (core/ratelimit.ts): hits of one client on one guarded route in the
-- current window. Unlogged: a crash loses at most a minute of counting, and the counters cost no WAL.
create unlogged table rate_limits (
  key text primary key,
  hits int not null,
  reset_at timestamptz not null
);
