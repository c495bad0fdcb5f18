-- Bulk import of published documents (JSONL, CSV, Excel): one row per file, its progress and its bad rows.

-- where an imported publication came from (the source's id, or a hash of its identity): importing again adds nothing
alter table publications add column source_key text;
create unique index publications_source_key on publications (site_id, source_key) where source_key is not null;

create table imports (
  id serial primary key,
  site_id int not null references sites(id),
  filename text not null,
  file_hash text not null references files(hash),
  format text not null check (format in ('jsonl', 'csv', 'xlsx')),
  -- field → the file's column
  mapping jsonb not null default '{}',
  -- agencyId, columnId, genre used where a row has none
  defaults jsonb not null default '{}',
  status text not null default 'mapping' check (status in ('mapping', 'pending', 'running', 'done', 'failed')),
  message text not null default '',
  total_rows int not null default 0,
  -- rows handled so far, in file order: a resumed import starts after them
  done_rows int not null default 0,
  imported_rows int not null default 0,
  duplicate_rows int not null default 0,
  error_rows int not null default 0,
  created_by int references users(id),
  created_at timestamptz not null default now(),
  heartbeat_at timestamptz,
  finished_at timestamptz
);
create index imports_site on imports (site_id, id desc);

create table import_errors (
  import_id int not null references imports(id) on delete cascade,
  row_number int not null,
  field text not null,
  message text not null,
  primary key (import_id, row_number, field)
);
