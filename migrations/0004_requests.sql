-- staff e-mail: reminders of deadlines go there through the outbox
alter table users add column email text not null default '';

-- 依申请公开: applications, their dated events (the clock is computed from them), attachments,
-- reconsideration and litigation records, the outbox of e-mails, staff reminders and used captchas.

create table requests (
  id serial primary key,
  site_id int not null references sites(id),
  -- the handling agency; a routed case changes it and keeps its history in request_events
  agency_id int not null references agencies(id),
  tracking_no text not null unique,
  -- keyed hash of the query code the applicant was given (never the code itself)
  query_code_hash text not null,
  channel text not null check (channel in ('online', 'in_person', 'registered_mail', 'letter', 'fax')),
  submitted_at timestamptz not null default now(),
  -- Art. 31: the receipt date, fixed by the channel's rule; null while the receipt is not confirmed
  received_on date,
  stage text not null check (stage in ('awaiting_receipt', 'handling', 'amendment', 'consultation', 'fee', 'decided', 'replied', 'closed')),
  applicant_type text not null check (applicant_type in ('person', 'company', 'research', 'public_interest', 'legal_service', 'other')),
  -- the person's name, or the organisation's name
  applicant_name text not null,
  id_type text not null default '' check (id_type in ('', 'resident_id', 'passport', 'hk_macao', 'taiwan', 'other')),
  -- encrypted with the configured data key; id_number_hint keeps only what a masked list shows
  id_number_enc text not null default '',
  id_number_hint text not null default '',
  org_code text not null default '',
  -- keyed hash of the applicant's ID number or credit code: counts requests per applicant (fees, repeats)
  applicant_key text not null,
  contact_name text not null default '',
  phone text not null default '',
  email text not null default '',
  address text not null default '',
  postcode text not null default '',
  description text not null,
  form_wanted text not null check (form_wanted in ('paper', 'electronic')),
  delivery text not null check (delivery in ('post', 'email', 'collect', 'online')),
  fee_waiver_requested boolean not null default false,
  fee_waiver_reason text not null default '',
  handler_id int references users(id),
  -- the clock as last computed from the events (for lists and reminders; the events are the truth)
  due_on date,
  due_certain boolean not null default true,
  clock_stopped text,
  fee_method text check (fee_method in ('count', 'pages')),
  fee_amount int,
  outcome text,
  outcome_reason text not null default '',
  legal_basis text not null default '',
  disclosed_publication_id int references publications(id),
  decided_on date,
  reply_text text not null default '',
  reply_sent_on date,
  reply_method text not null default '',
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((outcome is null) = (decided_on is null))
);
create index requests_site_stage on requests (site_id, stage, due_on);
create index requests_agency on requests (agency_id, stage, due_on);
create index requests_received on requests (site_id, received_on);
create index requests_decided on requests (site_id, decided_on);
create index requests_applicant on requests (site_id, applicant_key, received_on);

create table request_events (
  id bigserial primary key,
  request_id int not null references requests(id),
  kind text not null,
  -- the legal date of the event (Asia/Shanghai)
  on_date date not null,
  -- names one consultation among several
  ref text not null default '',
  workdays int,
  note text not null default '',
  data jsonb not null default '{}',
  actor_id int references users(id),
  actor_name text not null default '',
  at timestamptz not null default now()
);
create index request_events_request on request_events (request_id, id);

create table request_attachments (
  id serial primary key,
  request_id int not null references requests(id),
  file_hash text not null references files(hash),
  filename text not null,
  mime text not null,
  size bigint not null
);
create index request_attachments_request on request_attachments (request_id);

create table request_appeals (
  id serial primary key,
  request_id int not null references requests(id),
  kind text not null check (kind in ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
  filed_on date not null,
  result text not null check (result in ('upheld', 'corrected', 'other', 'pending')),
  concluded_on date,
  note text not null default '',
  created_at timestamptz not null default now(),
  check ((result = 'pending') = (concluded_on is null))
);
create index request_appeals_request on request_appeals (request_id);

-- E-mails the platform sends: written in the transaction of the change, delivered by the sweep.
create table outbox (
  id bigserial primary key,
  site_id int references sites(id),
  to_address text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null default now(),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text not null default '',
  sent_at timestamptz
);
create index outbox_pending on outbox (next_attempt_at) where sent_at is null;

-- Reminders to staff in the back office; one per case, user and threshold.
create table notifications (
  id bigserial primary key,
  site_id int not null references sites(id),
  user_id int not null references users(id),
  request_id int references requests(id),
  kind text not null,
  message text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  unique (user_id, request_id, kind)
);
create index notifications_user on notifications (user_id, read_at, id desc);

-- A captcha answer is good once.
create table captcha_uses (
  nonce text primary key,
  expires_at timestamptz not null
);
