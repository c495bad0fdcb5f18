-- Foundation: sites, agencies, staff, sessions, audit, columns, the catalogue and its workflow.

create table sites (
  id serial primary key,
  code text not null unique,
  name text not null,
  hosts text[] not null default '{}',
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table agencies (
  id serial primary key,
  site_id int not null references sites(id),
  parent_id int references agencies(id),
  name text not null,
  kind text not null check (kind in ('government', 'office', 'department', 'township', 'other')),
  code text not null,
  sort int not null default 0,
  office_name text not null default '',
  office_address text not null default '',
  office_hours text not null default '',
  office_phone text not null default '',
  office_fax text not null default '',
  office_email text not null default '',
  office_postcode text not null default '',
  guide_text text not null default '',
  created_at timestamptz not null default now(),
  unique (site_id, code),
  unique (site_id, name)
);
create index agencies_site on agencies (site_id, parent_id, sort);

create table users (
  id serial primary key,
  username text not null unique,
  name text not null,
  phone text not null default '',
  agency_id int references agencies(id),
  password_hash text not null,
  active boolean not null default true,
  failed_logins int not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now()
);

-- A role is held in an agency; platform_admin has no agency.
create table user_roles (
  id serial primary key,
  user_id int not null references users(id) on delete cascade,
  role text not null check (role in ('editor', 'reviewer', 'confidentiality_reviewer', 'office_admin', 'platform_admin')),
  agency_id int references agencies(id),
  check ((role = 'platform_admin') = (agency_id is null))
);
create unique index user_roles_unique on user_roles (user_id, role, coalesce(agency_id, 0));

create table sessions (
  id text primary key,
  user_id int not null references users(id) on delete cascade,
  ip text not null default '',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id serial primary key,
  user_id int not null references users(id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table audit_events (
  id bigserial primary key,
  site_id int references sites(id),
  at timestamptz not null default now(),
  actor_id int references users(id),
  actor_name text not null default '',
  agency_id int references agencies(id),
  ip text not null default '',
  action text not null,
  entity_type text not null,
  entity_id text not null default '',
  before jsonb,
  after jsonb
);
create index audit_events_site_at on audit_events (site_id, at desc);
create index audit_events_entity on audit_events (entity_type, entity_id, at);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only';
end $$;
create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_append_only();

create table columns (
  id serial primary key,
  site_id int not null references sites(id),
  parent_id int references columns(id),
  slug text not null,
  name text not null,
  kind text not null,
  description text not null default '',
  sort int not null default 0,
  visible boolean not null default true,
  created_at timestamptz not null default now(),
  unique (site_id, slug)
);
create index columns_tree on columns (site_id, parent_id, sort);

create table files (
  hash text primary key,
  size bigint not null,
  mime text not null,
  created_at timestamptz not null default now()
);

-- Serials for 索引号: one counter per agency and year, only ever incremented.
create table index_serials (
  agency_id int not null references agencies(id),
  year int not null,
  last_serial int not null,
  primary key (agency_id, year)
);

create table publications (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  index_no text unique,
  status text not null default 'unpublished_draft'
    check (status in ('unpublished_draft', 'published', 'withdrawn', 'unpublished')),
  status_reason text not null default '',
  status_changed_at timestamptz,
  first_published_at timestamptz,
  created_by int references users(id),
  created_at timestamptz not null default now()
);
create index publications_site_agency on publications (site_id, agency_id);

create table editions (
  id serial primary key,
  publication_id int not null references publications(id),
  number int not null,
  state text not null check (state in ('draft', 'submitted', 'reviewed', 'scheduled', 'published', 'superseded', 'withdrawn', 'unpublished')),
  title text not null,
  doc_no text not null default '',
  written_on date,
  published_at timestamptz,
  theme_category text not null default '',
  genre text not null,
  keywords text[] not null default '{}',
  summary text not null default '',
  disclosure_mode text not null default 'active' check (disclosure_mode in ('active', 'on_request', 'not_public')),
  non_disclosure_reason text not null default '',
  validity text not null default 'valid' check (validity in ('valid', 'expired', 'repealed', 'amended')),
  effective_on date,
  validity_changed_on date,
  replaced_by_id int references publications(id),
  body_html text not null default '',
  body_text text not null default '',
  interpretation_kind text check (interpretation_kind in ('text', 'graphic', 'video')),
  video_url text not null default '',
  change_note text not null default '',
  scheduled_at timestamptz,
  rejection_reason text not null default '',
  created_by int references users(id),
  submitted_by int references users(id),
  submitted_at timestamptz,
  reviewed_by int references users(id),
  reviewed_at timestamptz,
  approved_by int references users(id),
  approved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (publication_id, number)
);
-- at most one edition in progress and one live edition per publication
create unique index editions_one_open on editions (publication_id) where state in ('draft', 'submitted', 'reviewed', 'scheduled');
create unique index editions_one_live on editions (publication_id) where state in ('published', 'withdrawn');
create index editions_state on editions (state, scheduled_at);
create index editions_live_date on editions (published_at desc) where state = 'published';

create table edition_agencies (
  edition_id int not null references editions(id) on delete cascade,
  agency_id int not null references agencies(id),
  position int not null,
  primary key (edition_id, agency_id)
);
create index edition_agencies_agency on edition_agencies (agency_id);

create table edition_columns (
  edition_id int not null references editions(id) on delete cascade,
  column_id int not null references columns(id),
  primary key (edition_id, column_id)
);
create index edition_columns_column on edition_columns (column_id, edition_id);

-- An interpretation edition names the policies it explains.
create table edition_interprets (
  edition_id int not null references editions(id) on delete cascade,
  policy_id int not null references publications(id),
  primary key (edition_id, policy_id)
);
create index edition_interprets_policy on edition_interprets (policy_id);

create table attachments (
  id serial primary key,
  edition_id int not null references editions(id) on delete cascade,
  file_hash text not null references files(hash),
  filename text not null,
  mime text not null,
  size bigint not null,
  text_content text not null default '',
  position int not null default 0
);
create index attachments_edition on attachments (edition_id, position);

create table gazette_issues (
  id serial primary key,
  site_id int not null references sites(id),
  year int not null,
  number int not null,
  total_number int,
  issue_date date not null,
  published boolean not null default false,
  created_at timestamptz not null default now(),
  unique (site_id, year, number)
);

create table gazette_entries (
  id serial primary key,
  issue_id int not null references gazette_issues(id) on delete cascade,
  position int not null,
  section text not null default '',
  title text not null,
  publication_id int references publications(id)
);
create index gazette_entries_issue on gazette_entries (issue_id, position);

-- Office-edited working-day calendar overriding the chinese-days data.
create table calendar_days (
  day date primary key,
  kind text not null check (kind in ('holiday', 'workday')),
  name text not null default '',
  updated_at timestamptz not null default now()
);
