-- The cursor of a shared search index (one engine fed for every instance): the change number it is complete up to,
-- and the instance holding the lease to feed it. A local index keeps its cursor with its own files.
create table search_cursors (
  name text primary key,
  seq bigint not null default 0,
  holder text not null default '',
  lease_until timestamptz not null default now()
);
