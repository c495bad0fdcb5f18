-- Search: an outbox of changes to what is public (written in the transaction that makes the change),
-- which every instance's in-process index follows; and the words admins add to the dictionary.

create table search_changes (
  seq bigserial primary key,
  site_id int references sites(id),
  -- the document changed, e.g. 'p:123' (a publication) or 'g:4' (a gazette issue); '*' asks for a rebuild
  key text not null,
  at timestamptz not null default now()
);
create index search_changes_at on search_changes (at);

create table search_terms (
  term text primary key,
  site_id int references sites(id),
  created_by int references users(id),
  created_at timestamptz not null default now()
);
