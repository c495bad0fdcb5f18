-- 政民互动: the mailboxes of a site (县长信箱, one per agency, 咨询投诉), the letters residents write to them, each
-- letter's dated steps (the clock and the handling record are computed from them), its attachments, and the canned
-- replies an agency drafts from. RULES.md §7.

create table mailboxes (
  id serial primary key,
  site_id int not null references sites(id),
  name text not null,
  slug text not null,
  -- an agency's own mailbox receives its letters directly; without one the office triages them
  agency_id int references agencies(id),
  intro text not null default '',
  position int not null default 0,
  active boolean not null default true,
  unique (site_id, slug)
);

create table letters (
  id serial primary key,
  site_id int not null references sites(id),
  mailbox_id int not null references mailboxes(id),
  tracking_no text not null unique,
  -- keyed hash of the query code the writer was given (never the code itself)
  query_code_hash text not null,
  kind text not null check (kind in ('consult', 'suggest', 'complain', 'help', 'other')),
  title text not null,
  content text not null,
  writer_name text not null,
  phone text not null default '',
  email text not null default '',
  -- the writer agrees that the letter may be published (after review, without personal data)
  consent boolean not null default false,
  -- the handling agency: null while the office has not assigned it
  agency_id int references agencies(id),
  state text not null check (state in ('triage', 'handling', 'review', 'replied', 'closed')),
  submitted_at timestamptz not null default now(),
  -- the day the clock starts: assignment (or arrival in an agency's own mailbox), a transfer, a reopening
  started_on date,
  due_on date,
  due_certain boolean not null default true,
  -- working days added by the one extension allowed (at most the deadline again)
  extension_days int not null default 0 check (extension_days >= 0),
  -- the reply being drafted, and the reply sent
  draft text not null default '',
  reply text not null default '',
  replied_on date,
  reply_agency_id int references agencies(id),
  rating text check (rating in ('satisfied', 'basic', 'unsatisfied')),
  rating_comment text not null default '',
  reopened boolean not null default false,
  closed_kind text check (closed_kind in ('duplicate', 'abusive', 'invalid')),
  closed_reason text not null default '',
  merged_into int references letters(id),
  -- publication: the office approves the title and content as shown (personal data removed)
  public_title text not null default '',
  public_content text not null default '',
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index letters_site_state on letters (site_id, state, due_on);
create index letters_agency on letters (agency_id, state, due_on);
create index letters_public on letters (site_id, published_at desc) where published_at is not null;
create index letters_submitted on letters (site_id, submitted_at);

create table letter_events (
  id bigserial primary key,
  letter_id int not null references letters(id),
  kind text not null,
  on_date date not null,
  note text not null default '',
  data jsonb not null default '{}',
  actor_id int references users(id),
  actor_name text not null default '',
  at timestamptz not null default now()
);
create index letter_events_letter on letter_events (letter_id, id);

create table letter_attachments (
  id serial primary key,
  letter_id int not null references letters(id),
  file_hash text not null references files(hash),
  filename text not null,
  mime text not null,
  size bigint not null
);
create index letter_attachments_letter on letter_attachments (letter_id);

create table canned_replies (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  title text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index canned_replies_agency on canned_replies (agency_id);
